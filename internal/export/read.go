package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Limits bound what Read accepts. Zero fields take the defaults.
type Limits struct {
	// MaxArchiveBytes caps the ZIP file itself.
	MaxArchiveBytes int64
	// MaxEntries caps the number of entries (files and folders).
	MaxEntries int
	// MaxFileBytes caps one badge file or image, uncompressed.
	MaxFileBytes int64
	// MaxManifestBytes caps manifest.json, uncompressed.
	MaxManifestBytes int64
	// MaxTotalBytes caps everything Read decompresses.
	MaxTotalBytes int64
}

// Default limits: ample for thousands of badges (a badge file is at most
// 2 MiB, the fetch cap for images), small enough that a ZIP bomb gets
// nowhere.
const (
	DefaultMaxArchiveBytes  = 512 << 20
	DefaultMaxEntries       = 10_000
	DefaultMaxFileBytes     = 4 << 20
	DefaultMaxManifestBytes = 16 << 20
	DefaultMaxTotalBytes    = 1 << 30
)

func (l Limits) withDefaults() Limits {
	if l.MaxArchiveBytes <= 0 {
		l.MaxArchiveBytes = DefaultMaxArchiveBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxManifestBytes <= 0 {
		l.MaxManifestBytes = DefaultMaxManifestBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	return l
}

// Archive is a checked export.
type Archive struct {
	Manifest Manifest
	// Files maps each path the manifest names to its bytes, every one
	// present and matching its SHA-256.
	Files map[string][]byte
}

// Original returns the original bytes of b.
func (a *Archive) Original(b Badge) []byte { return a.Files[b.Original.Path] }

// ReadBytes is Read for an archive held in memory.
func ReadBytes(data []byte, lim Limits) (*Archive, error) {
	return Read(bytes.NewReader(data), int64(len(data)), lim)
}

// Read checks the ZIP of size bytes in r and returns its manifest and
// files. It refuses, with an *Error naming the reason, an archive that is
// too large or has too many entries, is not a ZIP or is damaged, has an
// entry name that is unsafe to extract (zip slip) or repeated, is not a
// Satchel export or is of a newer version, has an invalid manifest, or
// whose files are missing or differ from the manifest's hashes. Nothing is
// returned unless everything checks.
func Read(r io.ReaderAt, size int64, lim Limits) (*Archive, error) {
	lim = lim.withDefaults()
	if size > lim.MaxArchiveBytes {
		return nil, fail(TooLarge, nil, i18n.Phrase{ID: "archive.too_large", Vars: map[string]string{"Size": sizeText(size), "Max": sizeText(lim.MaxArchiveBytes)}}, "The export is %s; Satchel imports exports up to %s.", sizeText(size), sizeText(lim.MaxArchiveBytes))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fail(Corrupt, err, i18n.Phrase{ID: "archive.not_zip"}, "This file is not a ZIP archive, or it is damaged or incomplete. Download the export again and upload it unchanged.")
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fail(TooManyEntries, nil, i18n.Phrase{ID: "archive.too_many_files", Vars: map[string]string{"Count": strconv.Itoa(len(zr.File)), "Max": strconv.Itoa(lim.MaxEntries)}}, "The export holds %d files; Satchel imports exports of up to %d.", len(zr.File), lim.MaxEntries)
	}

	entries := make(map[string]*zip.File, len(zr.File))
	folded := make(map[string]bool, len(zr.File))
	var declared uint64
	for _, f := range zr.File {
		name := f.Name
		dir := strings.HasSuffix(name, "/")
		if err := checkPath(strings.TrimSuffix(name, "/")); err != nil {
			return nil, fail(UnsafeName, err, i18n.Phrase{ID: "archive.unsafe_name", Vars: map[string]string{"File": printable(name)}}, "The export holds a file with an unsafe name (%q); it was not made by Satchel or was altered.", printable(name))
		}
		if mode := f.Mode(); mode&fs.ModeType != 0 && !(dir && mode.IsDir()) {
			return nil, fail(UnsafeName, fmt.Errorf("%s: mode %v", name, mode), i18n.Phrase{ID: "archive.special_file", Vars: map[string]string{"File": printable(name)}}, "The export holds a link or special file (%q); Satchel exports hold only plain files.", printable(name))
		}
		// Names that differ only in case would overwrite each other when
		// extracted on most desktops.
		key := strings.ToLower(strings.TrimSuffix(name, "/"))
		if folded[key] {
			return nil, fail(UnsafeName, nil, i18n.Phrase{ID: "archive.two_files", Vars: map[string]string{"File": printable(name)}}, "The export holds two files named %q; it was not made by Satchel or was altered.", printable(name))
		}
		folded[key] = true
		if dir {
			continue
		}
		if f.Flags&0x1 != 0 {
			return nil, fail(Corrupt, nil, i18n.Phrase{ID: "archive.encrypted", Vars: map[string]string{"File": printable(name)}}, "The export holds an encrypted file (%q); Satchel exports are never encrypted.", printable(name))
		}
		if f.UncompressedSize64 > uint64(max(lim.MaxFileBytes, lim.MaxManifestBytes)) {
			return nil, fail(TooLarge, nil, i18n.Phrase{ID: "archive.file_too_large", Vars: map[string]string{"File": printable(name), "Size": sizeText(int64(min(f.UncompressedSize64, 1<<62)))}}, "A file in the export (%q) is %s, more than Satchel imports.", printable(name), sizeText(int64(min(f.UncompressedSize64, 1<<62))))
		}
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxTotalBytes) {
			return nil, fail(TooLarge, nil, i18n.Phrase{ID: "archive.unpacks_too_large", Vars: map[string]string{"Max": sizeText(lim.MaxTotalBytes)}}, "The export unpacks to more than %s, more than Satchel imports.", sizeText(lim.MaxTotalBytes))
		}
		entries[name] = f
	}

	mf, ok := entries["manifest.json"]
	if !ok {
		return nil, fail(NotExport, nil, i18n.Phrase{ID: "archive.no_manifest"}, "This ZIP is not a Satchel export: it has no manifest.json. Upload the file Satchel's \"Download everything\" made.")
	}
	budget := lim.MaxTotalBytes
	raw, err := readEntry(mf, lim.MaxManifestBytes, &budget)
	if err != nil {
		return nil, err
	}
	m, err := decodeManifest(raw)
	if err != nil {
		return nil, err
	}
	if err := m.validate(lim); err != nil {
		return nil, err
	}

	a := &Archive{Manifest: *m, Files: map[string][]byte{}}
	for _, want := range m.files() {
		if _, done := a.Files[want.Path]; done {
			continue
		}
		f, ok := entries[want.Path]
		if !ok {
			return nil, fail(MissingFile, nil, i18n.Phrase{ID: "archive.missing_file", Vars: map[string]string{"File": printable(want.Path)}}, "The export is incomplete: %q is listed in its manifest but missing from the ZIP.", printable(want.Path))
		}
		data, err := readEntry(f, lim.MaxFileBytes, &budget)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		if int64(len(data)) != want.Size || hex.EncodeToString(sum[:]) != want.SHA256 {
			return nil, fail(HashMismatch, fmt.Errorf("%s: size %d sha256 %x, manifest size %d sha256 %s", want.Path, len(data), sum, want.Size, want.SHA256),
				i18n.Phrase{ID: "archive.altered_file", Vars: map[string]string{"File": printable(want.Path)}}, "The file %q in the export differs from what its manifest records: it was altered or damaged.", printable(want.Path))
		}
		a.Files[want.Path] = data
	}
	return a, nil
}

// readEntry decompresses f, reading at most limit bytes (whatever its
// header claims) and charging them to budget.
func readEntry(f *zip.File, limit int64, budget *int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fail(Corrupt, err, i18n.Phrase{ID: "archive.unreadable_file", Vars: map[string]string{"File": printable(f.Name)}}, "The file %q in the export cannot be read; the ZIP is damaged.", printable(f.Name))
	}
	defer rc.Close()
	limit = min(limit, *budget)
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fail(Corrupt, err, i18n.Phrase{ID: "archive.damaged_file", Vars: map[string]string{"File": printable(f.Name)}}, "The file %q in the export is damaged (it does not decompress or fails its checksum). Download the export again.", printable(f.Name))
	}
	if int64(len(data)) > limit {
		return nil, fail(TooLarge, nil, i18n.Phrase{ID: "archive.file_unpacks_too_large", Vars: map[string]string{"File": printable(f.Name)}}, "A file in the export (%q) unpacks to more than Satchel imports.", printable(f.Name))
	}
	*budget -= int64(len(data))
	return data, nil
}

func decodeManifest(raw []byte) (*Manifest, error) {
	// Read the format and version first: a newer or foreign manifest may
	// not fit this version's structure, and deserves its own message.
	var head struct {
		Format  any `json:"format"`
		Version any `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fail(NotExport, err, i18n.Phrase{ID: "archive.manifest_not_json"}, "This ZIP is not a Satchel export: its manifest.json is not readable JSON.")
	}
	if f, _ := head.Format.(string); f != FormatName {
		return nil, fail(NotExport, fmt.Errorf("format %v", head.Format), i18n.Phrase{ID: "archive.manifest_other_format"}, "This ZIP is not a Satchel export: its manifest.json is of another format.")
	}
	v, ok := head.Version.(float64)
	if !ok || v != float64(int(v)) || v < 1 {
		return nil, fail(BadManifest, fmt.Errorf("version %v", head.Version), i18n.Phrase{ID: "archive.manifest_no_version"}, "The export's manifest has no valid version number; the file was altered.")
	}
	if v > Version {
		return nil, fail(UnsupportedVersion, fmt.Errorf("version %v", v),
			i18n.Phrase{ID: "archive.newer_version", Vars: map[string]string{"Version": strconv.Itoa(int(v)), "Max": strconv.Itoa(Version)}},
			"This export was made by a newer version of Satchel (export format %d; this Satchel reads up to %d). Import it into an up-to-date Satchel.", int(v), Version)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fail(BadManifest, err, i18n.Phrase{ID: "archive.manifest_structure"}, "The export's manifest does not have the expected structure; the file was altered or damaged.")
	}
	return &m, nil
}

// files lists every file the manifest names.
func (m *Manifest) files() []File {
	var out []File
	for _, b := range m.Badges {
		out = append(out, b.Original)
		if b.Image != nil {
			out = append(out, *b.Image)
		}
	}
	return out
}

// validate applies the format's rules: unique, well-formed ids; file paths
// safe and in their folder; hashes well-formed; known formats and
// visibilities; collections naming known badges once each.
func (m *Manifest) validate(lim Limits) error {
	bad := func(format string, args ...any) error {
		return fail(BadManifest, fmt.Errorf(format, args...), i18n.Phrase{ID: "archive.manifest_invalid", Vars: map[string]string{"Detail": fmt.Sprintf(format, args...)}}, "The export's manifest is invalid (%s); the file was altered or damaged.", fmt.Sprintf(format, args...))
	}
	if m.Format != FormatName || m.Version < 1 || m.Version > Version {
		return bad("format %q version %d", m.Format, m.Version)
	}
	if len(m.Badges) > lim.MaxEntries || len(m.Collections) > lim.MaxEntries {
		return fail(TooManyEntries, nil, i18n.Phrase{ID: "archive.too_many_entries", Vars: map[string]string{"Max": strconv.Itoa(lim.MaxEntries)}}, "The export lists more badges or collections than Satchel imports at once (%d).", lim.MaxEntries)
	}
	if m.Profile != nil && strings.TrimSpace(m.Profile.DisplayName) == "" {
		return bad("profile without a display name")
	}
	ids := make(map[string]bool, len(m.Badges))
	paths := map[string]string{} // path → sha256: one path, one content
	checkFile := func(f File, folder, id string) error {
		if err := checkPath(f.Path); err != nil || !strings.HasPrefix(f.Path, folder) || strings.Count(f.Path, "/") != 1 {
			return bad("badge %s: file path %q is not a file in %s", printable(id), printable(f.Path), folder)
		}
		if !isSHA256(f.SHA256) {
			return bad("badge %s: %q has no valid SHA-256", printable(id), printable(f.Path))
		}
		if f.Size < 0 {
			return bad("%q has a negative size", printable(f.Path))
		}
		if f.Size > lim.MaxFileBytes {
			return fail(TooLarge, nil, i18n.Phrase{ID: "archive.file_too_large", Vars: map[string]string{"File": printable(f.Path), "Size": sizeText(f.Size)}}, "A file in the export (%q) is %s, more than Satchel imports.", printable(f.Path), sizeText(f.Size))
		}
		if prev, ok := paths[f.Path]; ok && prev != f.SHA256 {
			return bad("%q listed twice with different contents", printable(f.Path))
		}
		paths[f.Path] = f.SHA256
		return nil
	}
	for i, b := range m.Badges {
		if !validID(b.ID) {
			return bad("badge %d has an invalid id", i+1)
		}
		if ids[b.ID] {
			return bad("badge id %s is used twice", b.ID)
		}
		ids[b.ID] = true
		if _, ok := formats[b.Format]; !ok {
			return bad("badge %s: unknown format %q", b.ID, printable(b.Format))
		}
		if b.Visibility != Private && b.Visibility != Public {
			return bad("badge %s: unknown visibility %q", b.ID, printable(b.Visibility))
		}
		if err := checkFile(b.Original, "badges/", b.ID); err != nil {
			return err
		}
		if b.Image != nil {
			if err := checkFile(*b.Image, "images/", b.ID); err != nil {
				return err
			}
		}
	}
	cids := make(map[string]bool, len(m.Collections))
	for i, c := range m.Collections {
		if !validID(c.ID) {
			return bad("collection %d has an invalid id", i+1)
		}
		if cids[c.ID] {
			return bad("collection id %s is used twice", c.ID)
		}
		cids[c.ID] = true
		if strings.TrimSpace(c.Name) == "" {
			return bad("collection %s has no name", c.ID)
		}
		if c.Visibility != Private && c.Visibility != Unlisted && c.Visibility != Public {
			return bad("collection %s: unknown visibility %q", c.ID, printable(c.Visibility))
		}
		seen := make(map[string]bool, len(c.Badges))
		for _, id := range c.Badges {
			if !ids[id] {
				return bad("collection %s lists a badge the export does not hold", c.ID)
			}
			if seen[id] {
				return bad("collection %s lists badge %s twice", c.ID, id)
			}
			seen[id] = true
		}
	}
	return nil
}

// validID: 1–64 characters of letters, digits, '-' and '_' (safe in an
// HTML id and a URL fragment).
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkPath refuses a ZIP entry name that is unsafe to extract anywhere:
// empty or over-long, absolute (including drive letters and UNC paths),
// with backslashes, "." or ".." elements, empty elements, control
// characters or invalid UTF-8, or a colon (a Windows drive or stream).
func checkPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty name")
	case len(p) > 255:
		return errors.New("name too long")
	case !utf8.ValidString(p):
		return errors.New("invalid UTF-8")
	case strings.ContainsAny(p, `\:`):
		return errors.New("backslash or colon")
	case strings.HasPrefix(p, "/"):
		return errors.New("absolute path")
	case path.Clean(p) != p:
		return errors.New("not a clean path")
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return errors.New("control character")
		}
	}
	for _, el := range strings.Split(p, "/") {
		if el == "." || el == ".." || el == "" {
			return errors.New("dot or empty element")
		}
	}
	return nil
}

// printable keeps a hostile name from garbling a message: at most 80
// runes, control characters replaced.
func printable(s string) string {
	var sb strings.Builder
	n := 0
	for _, r := range s {
		if n == 80 {
			sb.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = '?'
		}
		sb.WriteRune(r)
		n++
	}
	return sb.String()
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
