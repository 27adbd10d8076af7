package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Entry is one badge to export: its manifest record and its bytes.
type Entry struct {
	// Badge is the manifest record. Write fills in Original (path, size,
	// hash; ContentType is kept when set) and Image from the bytes below.
	Badge    Badge
	Original []byte
	// Image is the badge picture (PNG or SVG) for a badge whose original
	// is not an image; ignored for PNG and SVG badges. Optional.
	Image []byte
}

// Input is everything an archive holds.
type Input struct {
	ExportedAt  time.Time
	Generator   string
	Profile     *Profile
	Badges      []Entry
	Collections []Collection
}

// Write writes the archive to w and returns its manifest. It checks the
// manifest with the same rules Read applies, so whatever Write produces,
// Read accepts.
func Write(w io.Writer, in Input) (*Manifest, error) {
	m := &Manifest{
		Format:      FormatName,
		Version:     Version,
		ExportedAt:  in.ExportedAt.UTC().Truncate(time.Second),
		Generator:   in.Generator,
		Profile:     in.Profile,
		Badges:      make([]Badge, 0, len(in.Badges)),
		Collections: in.Collections,
	}
	if m.Generator == "" {
		m.Generator = "Satchel"
	}
	if m.Collections == nil {
		m.Collections = []Collection{}
	}
	files := map[string][]byte{}
	var order []string
	add := func(p string, data []byte) {
		if _, ok := files[p]; !ok {
			order = append(order, p)
		}
		files[p] = data
	}

	digits := len(fmt.Sprint(len(in.Badges)))
	for i, e := range in.Badges {
		b := e.Badge
		ext, ok := formats[b.Format]
		if !ok {
			return nil, fmt.Errorf("export: badge %q: unknown format %q", b.ID, b.Format)
		}
		b.Original = fileOf(fmt.Sprintf("badges/%0*d-%s", max(digits, 3), i+1, fileName(b.OriginalName, b.Name, ext)), b.Original.ContentType, e.Original)
		if b.Original.ContentType == "" {
			b.Original.ContentType = contentTypes[b.Format]
		}
		add(b.Original.Path, e.Original)
		b.Image = nil
		if len(e.Image) > 0 && b.Format != "png" && b.Format != "svg" {
			ct, ext := imageType(e.Image)
			if ct == "" {
				return nil, fmt.Errorf("export: badge %q: image is neither PNG nor SVG", b.ID)
			}
			sum := sha256.Sum256(e.Image)
			img := fileOf("images/"+hex.EncodeToString(sum[:])+ext, ct, e.Image)
			b.Image = &img
			add(img.Path, e.Image) // shared pictures are stored once
		}
		b.IssuedOn, b.Expires = utc(b.IssuedOn), utc(b.Expires)
		m.Badges = append(m.Badges, b)
	}
	if err := m.validate(Limits{}.withDefaults()); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}

	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: manifest: %w", err)
	}
	index, err := renderIndex(m)
	if err != nil {
		return nil, fmt.Errorf("export: index: %w", err)
	}

	zw := zip.NewWriter(w)
	entries := append([]string{"manifest.json", "index.html"}, order...)
	files["manifest.json"], files["index.html"] = append(manifest, '\n'), index
	for _, name := range entries {
		// A fixed time in every header: the same export gives the same bytes.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: m.ExportedAt})
		if err != nil {
			return nil, fmt.Errorf("export: zip %s: %w", name, err)
		}
		if _, err := fw.Write(files[name]); err != nil {
			return nil, fmt.Errorf("export: zip %s: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export: zip: %w", err)
	}
	return m, nil
}

var contentTypes = map[string]string{
	"png":  "image/png",
	"svg":  "image/svg+xml",
	"json": "application/json",
	"jws":  "application/jose",
	"url":  "text/plain; charset=utf-8",
}

func fileOf(p, contentType string, data []byte) File {
	sum := sha256.Sum256(data)
	return File{Path: p, ContentType: contentType, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func imageType(data []byte) (contentType, ext string) {
	if bytes.HasPrefix(data, pngSignature) {
		return "image/png", ".png"
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	if bytes.HasPrefix(head, []byte("<")) && bytes.Contains(data[:min(len(data), 4096)], []byte("<svg")) {
		return "image/svg+xml", ".svg"
	}
	return "", ""
}

// maxNameLen keeps archive paths short enough for every file system.
const maxNameLen = 80

// fileName makes a safe, readable file name from the uploaded name (or
// the badge name), ending in the format's extension.
func fileName(original, name, ext string) string {
	base := original
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSuffix(base, path.Ext(base))
	if base == "" {
		base = name
	}
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_'
		if !ok {
			dash = sb.Len() > 0
			continue
		}
		if dash {
			sb.WriteByte('-')
			dash = false
		}
		sb.WriteRune(r)
		if sb.Len() >= maxNameLen {
			break
		}
	}
	s := sb.String()
	if s == "" || !utf8.ValidString(s) {
		s = "badge"
	}
	return s + ext
}
