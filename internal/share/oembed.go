package share

import "errors"

// Kind is what is shared or embedded.
type Kind string

const (
	KindBadge      Kind = "badge"
	KindCollection Kind = "collection"
	KindProfile    Kind = "profile"
)

// Thumbnail is an oEmbed thumbnail; oEmbed wants its URL, width and height
// together, so a thumbnail without all three is left out.
type Thumbnail struct {
	URL           string
	Width, Height int
}

// OEmbedResponse is an oEmbed 1.0 "rich" response (oembed.com, section
// 2.3.4), ready for encoding/json.
type OEmbedResponse struct {
	Type            string `json:"type"`
	Version         string `json:"version"`
	Title           string `json:"title,omitempty"`
	AuthorName      string `json:"author_name,omitempty"`
	AuthorURL       string `json:"author_url,omitempty"` // set by the caller: the public profile
	ProviderName    string `json:"provider_name,omitempty"`
	ProviderURL     string `json:"provider_url,omitempty"`
	CacheAge        int    `json:"cache_age,omitempty"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
}

// ErrBadSize is returned for an embed without a positive width and height.
var ErrBadSize = errors.New("share: an embed needs a positive width and height")

// OEmbedCacheAge is how long (seconds) consumers may cache a response.
const OEmbedCacheAge = 3600

// OEmbed builds the oEmbed response for a public badge, collection or
// profile: type "rich", version "1.0", and as html the iframe of embedURL
// (see IframeSnippet) at width×height. providerURL, embedURL and the
// thumbnail URL must be absolute http(s) URLs; author is the learner's
// public display name (never an email address — callers pass only what
// the public page shows).
func OEmbed(kind Kind, title, author, providerName, providerURL, embedURL string, width, height int, thumbnail Thumbnail) (OEmbedResponse, error) {
	if providerURL != "" {
		if err := checkURL(providerURL); err != nil {
			return OEmbedResponse{}, err
		}
	}
	html, err := IframeSnippet(kind, title, embedURL, width, height)
	if err != nil {
		return OEmbedResponse{}, err
	}
	r := OEmbedResponse{
		Type:         "rich",
		Version:      "1.0",
		Title:        title,
		AuthorName:   author,
		ProviderName: providerName,
		ProviderURL:  providerURL,
		CacheAge:     OEmbedCacheAge,
		HTML:         html,
		Width:        width,
		Height:       height,
	}
	if thumbnail.URL != "" && thumbnail.Width > 0 && thumbnail.Height > 0 {
		if err := checkURL(thumbnail.URL); err != nil {
			return OEmbedResponse{}, err
		}
		r.ThumbnailURL, r.ThumbnailWidth, r.ThumbnailHeight = thumbnail.URL, thumbnail.Width, thumbnail.Height
	}
	return r, nil
}

// Fit scales width×height down, keeping the aspect ratio, so that it fits
// the consumer's maxwidth and maxheight (0 means no limit), as oEmbed
// requires of a provider. It never scales up.
func Fit(width, height, maxWidth, maxHeight int) (int, int) {
	if width <= 0 || height <= 0 {
		return width, height
	}
	w, h := width, height
	if maxWidth > 0 && w > maxWidth {
		h = h * maxWidth / w
		w = maxWidth
	}
	if maxHeight > 0 && h > maxHeight {
		w = w * maxHeight / h
		h = maxHeight
	}
	return max(w, 1), max(h, 1)
}

// OEmbedURL is the oEmbed endpoint URL for pageURL, for the discovery
// <link rel="alternate" type="application/json+oembed"> of a public page.
func OEmbedURL(endpoint, pageURL string) (string, error) {
	if err := checkURL(endpoint); err != nil {
		return "", err
	}
	if err := checkURL(pageURL); err != nil {
		return "", err
	}
	return endpoint + "?" + query{{"url", pageURL}, {"format", "json"}}.encode(), nil
}
