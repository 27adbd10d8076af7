// Package export defines Satchel's portable archive: a ZIP holding every
// badge's original file byte for byte, a versioned manifest.json describing
// the badges, collections and profile, and a standalone index.html that a
// person can open offline. Write builds one from memory; Read checks one
// (sizes, entry names, manifest version, every file's SHA-256) before
// anything is imported. The package knows nothing of HTTP or storage.
//
// Layout of an archive:
//
//	manifest.json          the Manifest
//	index.html             readable list of badges and collections
//	badges/001-name.png    original files, as the learner brought them
//	images/<sha256>.png    badge pictures for badges that are not images
//	                       themselves (JSON, JWS or URL badges), optional
package export

import (
	"time"
)

// FormatName identifies a Satchel export in manifest.json.
const FormatName = "satchel-export"

// Version is the manifest version this package writes and the newest it
// reads. Adding optional fields keeps the version; anything an older
// reader would misread bumps it.
const Version = 1

// Manifest is manifest.json.
type Manifest struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	// Generator names the software and instance that wrote the archive.
	Generator   string       `json:"generator,omitempty"`
	Profile     *Profile     `json:"profile,omitempty"`
	Badges      []Badge      `json:"badges"`
	Collections []Collection `json:"collections"`
}

// Profile is the learner's public profile, when they have one.
type Profile struct {
	Handle      string `json:"handle,omitempty"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio,omitempty"` // Markdown
	Indexable   bool   `json:"indexable"`
}

// Badge is one badge of the archive.
type Badge struct {
	// ID names the badge inside the archive (collections refer to it); it
	// is the badge's public id on the exporting instance, meaningless to
	// another one.
	ID string `json:"id"`
	// Original is the file the learner brought, byte for byte.
	Original File `json:"original"`
	// OriginalName is the file name the learner uploaded (or "" for a
	// pasted or fetched badge).
	OriginalName string `json:"original_name,omitempty"`
	// Image is the badge picture for badges whose original is not an
	// image (JSON, JWS, URL); nil when there is none or the original is
	// the picture.
	Image *File `json:"image,omitempty"`

	Format     string `json:"format"`  // png, svg, json, jws, url
	Version    string `json:"version"` // Open Badges version: 0.5 … 3.0
	Visibility string `json:"visibility"`

	// What the index shows; an importer re-reads and re-verifies the
	// original rather than trusting these.
	Name       string     `json:"name"`
	IssuerName string     `json:"issuer_name,omitempty"`
	IssuedOn   *time.Time `json:"issued_on,omitempty"`
	Expires    *time.Time `json:"expires,omitempty"`
	Status     string     `json:"status,omitempty"` // verification status at export time
	Tags       []string   `json:"tags,omitempty"`
}

// File is a file in the archive.
type File struct {
	Path        string `json:"path"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // lower-case hex
}

// Collection is a collection of badges in the learner's order.
type Collection struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug,omitempty"`
	Description string `json:"description,omitempty"`
	Visibility  string `json:"visibility"`
	// Badges are badge IDs, first to last.
	Badges []string `json:"badges"`
}

// Visibilities.
const (
	Private  = "private"
	Unlisted = "unlisted" // collections only
	Public   = "public"
)

// Badge formats, as the badge engine names them.
var formats = map[string]string{
	"png":  ".png",
	"svg":  ".svg",
	"json": ".json",
	"jws":  ".jws",
	"url":  ".txt",
}
