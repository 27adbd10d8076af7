package shareimg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// renderVersion changes whenever the drawing changes, so that images
// cached under an old Key are not served for the new design.
const renderVersion = 1

// Key identifies the image RenderBadge draws for b: equal keys, equal
// bytes. Callers cache rendered images under it (in the database or on
// disk, so every process shares them) and can use it as an ETag.
func (b Badge) Key() string {
	h := newKey("badge")
	field(h, b.Name)
	field(h, b.IssuerName)
	field(h, b.SiteName)
	blob(h, b.Image)
	return hex.EncodeToString(h.Sum(nil))
}

// Key identifies the image RenderProfile draws for p.
func (p Profile) Key() string {
	h := newKey("profile")
	field(h, p.DisplayName)
	field(h, p.SiteName)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(int64(p.BadgeCount)))
	h.Write(n[:])
	thumbs := p.Thumbnails
	if len(thumbs) > MaxThumbnails {
		thumbs = thumbs[:MaxThumbnails]
	}
	for _, t := range thumbs {
		blob(h, t)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func newKey(kind string) hash.Hash {
	h := sha256.New()
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], renderVersion)
	h.Write(v[:])
	field(h, kind)
	return h
}

// field writes s with its length first, so that ("ab", "c") and ("a",
// "bc") hash differently.
func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

func blob(h hash.Hash, b []byte) {
	sum := sha256.Sum256(b)
	field(h, string(sum[:]))
}
