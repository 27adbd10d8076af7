package views

// Share is the share panel of a public badge, collection or profile. Every
// URL is absolute and already built; the panel only shows them.
type Share struct {
	Kind  string // "badge", "collection" or "profile"
	Title string // what is shared, in words ("Ada's badges")
	URL   string // the public page
	// Lang is the language of the snippets and the post text: their
	// owner's, who they speak for (BCP 47).
	Lang string

	LinkedInAdd  string // "Add to profile" (badges only)
	LinkedInPost string
	X            string
	Facebook     string
	// MastodonText is the post's text; the instance is asked for.
	MastodonText string

	// Embeds (badges and collections only).
	EmbedURL    string
	EmbedWidth  int
	EmbedHeight int
	CardHTML    string
	IframeHTML  string

	// Signature is the email-signature HTML (profile only).
	Signature    string
	SignatureURL string // its preview page

	QRPNG, QRSVG string
	ImageURL     string // the 1200×630 share image
}

// MastodonShare is the page of the no-script Mastodon form after a refused
// server name.
type MastodonShare struct {
	URL, Text, Instance, Error string
}

// EmbedCard is the frameable page of one embed.
type EmbedCard struct {
	Title string
	HTML  string // share.EmbedCard's output (escaped by html/template)
	// Lang and Dir are the card's language (its owner's) and its direction.
	Lang, Dir string
}

// Baked is the owner's "download baked" offer on a badge page.
type Baked struct {
	PNG, SVG bool // which baked downloads are offered
	Path     string
}

// ExportView is the account's "Download everything" and import page.
type ExportView struct {
	Badges      int
	Collections int
	Error       string // the refused archive's reason
	Result      *ArchiveImportResult
}

// ArchiveImportResult is what an archive import did.
type ArchiveImportResult struct {
	Added, Existing                       int
	CollectionsAdded, CollectionsExisting int
	Refused                               []ArchiveRefusal
}

// ArchiveRefusal is one badge of an archive that was not imported.
type ArchiveRefusal struct {
	Name, File, Reason string
}
