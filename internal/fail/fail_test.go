package fail_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/satchel-backpack/satchel/internal/fail"
)

func TestCodeAndMessage_ThroughWrapping(t *testing.T) {
	t.Parallel()
	base := fail.Wrap(fail.NotFound, "There is no such badge.", io.EOF)
	err := fmt.Errorf("store: badge: %w", base)
	if got := fail.CodeOf(err); got != fail.NotFound {
		t.Errorf("CodeOf = %q, want not_found", got)
	}
	if got := fail.Message(err); got != "There is no such badge." {
		t.Errorf("Message = %q", got)
	}
	if !errors.Is(err, io.EOF) {
		t.Error("the cause is lost for errors.Is")
	}
	if !fail.Is(err, fail.NotFound) || fail.Is(err, fail.Invalid) {
		t.Error("Is does not compare codes")
	}
}

func TestPlainErrorIsInternalAndHasNoMessage(t *testing.T) {
	t.Parallel()
	err := errors.New("disk on fire at /var/lib/satchel")
	if fail.CodeOf(err) != fail.Internal {
		t.Errorf("CodeOf(plain) = %q, want internal", fail.CodeOf(err))
	}
	if fail.Message(err) != "" {
		t.Error("a plain error's text must never become the message")
	}
	if fail.CodeOf(nil) != "" || fail.Is(nil, fail.Internal) {
		t.Error("nil is not a failure")
	}
}

func TestErrorf_FormatsOnlyTheMessage(t *testing.T) {
	t.Parallel()
	e := fail.Errorf(fail.TooLarge, "Choose at most %d files.", 20).WithTitle("Too many")
	if e.Message != "Choose at most 20 files." || e.Title != "Too many" || e.Code != fail.TooLarge {
		t.Errorf("got %+v", e)
	}
	if e.Error() != "too_large: Choose at most 20 files." {
		t.Errorf("Error() = %q", e.Error())
	}
}
