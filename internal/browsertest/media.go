package browsertest

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The two colour schemes Satchel's stylesheet themes.
const (
	Light = "light"
	Dark  = "dark"
)

// ColorSchemes lists every scheme pages are checked in.
var ColorSchemes = []string{Light, Dark}

// EmulateColorScheme makes the tab report prefers-color-scheme: scheme
// ("light" or "dark") to CSS and matchMedia. It lasts for the tab's life,
// across navigations.
func EmulateColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// ColorScheme reports the scheme the page currently sees.
func ColorScheme() chromedp.Action[string] {
	return chromedp.Evaluate[string](`matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"`)
}

// EmulatePrint makes the tab apply its print styles (@media print), as when
// printing; EmulateScreen returns it to screen.
func EmulatePrint() chromedp.Action[chromedp.Void] { return emulateMediaType("print") }

// EmulateScreen undoes EmulatePrint.
func EmulateScreen() chromedp.Action[chromedp.Void] { return emulateMediaType("") }

func emulateMediaType(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}
