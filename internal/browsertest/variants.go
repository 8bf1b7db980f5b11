package browsertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// Variant is how a person meets the pages: the browser's language and the
// width of the screen (U4, U6).
type Variant struct {
	Lang  string // "fr" or "en"
	Width int    // CSS pixels
}

func (v Variant) String() string { return fmt.Sprintf("%s-%d", v.Lang, v.Width) }

// Variants are the ones every journey is walked in: French and English, on
// a laptop and on a phone.
var Variants = []Variant{{"fr", 1366}, {"en", 1366}, {"fr", 390}, {"en", 390}}

// EachVariant walks journey once per variant, each as its own subtest.
func EachVariant(t *testing.T, journey func(t *testing.T, v Variant)) {
	for _, v := range Variants {
		t.Run(v.String(), func(t *testing.T) { journey(t, v) })
	}
}

// BrowserIn starts a browser whose language is v's (the pages follow it
// until the person picks another) on a screen v.Width wide.
func BrowserIn(t testing.TB, v Variant) context.Context {
	t.Helper()
	locale := map[string]string{"fr": "fr-FR", "en": "en-GB"}[v.Lang]
	ctx := browser(t, chromedp.Flag("lang", locale), chromedp.Flag("accept-lang", locale), chromedp.Env("LANGUAGE="+locale))
	Do(t, ctx, chromedp.EmulateViewport(int64(v.Width), 900))
	return ctx
}

// T is key's text in the page's language, read from the page's own
// dictionary: a journey checks what the person reads in either language.
func T(t testing.TB, ctx context.Context, key string) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`import("/js/i18n.js").then((m) => m.t(%q))`, key), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: text of %s: %v", key, err)
	}
	return text
}

// CheckPage fails the test when the page scrolls sideways on v's screen or
// shows, in French, what Untranslated finds.
func CheckPage(t testing.TB, ctx context.Context, v Variant, where string) {
	t.Helper()
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("browsertest: %s: %v", where, err)
	}
	if width > v.Width {
		t.Errorf("%s: %d px wide on a %d px screen", where, width, v.Width)
	}
	if v.Lang != "fr" {
		return
	}
	for _, s := range Untranslated(t, ctx) {
		t.Errorf("%s shows %q on a French page", where, s)
	}
}

// untranslated lists what a French page shows that is not French: texts
// and accessible names (placeholder, aria-label, title) of visible
// elements that are an English text of the dictionary (and not also a
// French one) or hold words of an English sentence, a dictionary key shown
// raw, or a value JavaScript printed by mistake.
const untranslated = `(async () => {
  const { messages } = await import("/js/i18n.js");
  const fr = messages.fr, en = messages.en;
  const english = new Set(Object.keys(en).filter((k) => en[k] !== fr[k] && !Object.values(fr).includes(en[k])).map((k) => en[k]));
  const keys = new Set(Object.keys(en).concat(Object.keys(fr)));
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const v = walker.currentNode.nodeValue.trim();
    const parent = walker.currentNode.parentElement;
    if (v && parent && parent.checkVisibility() && !parent.closest("script,style")) texts.push(v);
  }
  document.querySelectorAll("[placeholder],[aria-label],[title]").forEach((e) => {
    if (!e.checkVisibility()) return;
    for (const a of ["placeholder", "aria-label", "title"]) if (e.getAttribute(a)) texts.push(e.getAttribute(a));
  });
  // Words of English sentences (a server message shown raw) that no French
  // text of the portal holds.
  const englishWords = /\b(the|your|you|with|this|please|unable|invalid|must|cannot|sign in)\b/i;
  // A code shown as it is stored: a profile ("full_access"), an audit
  // action ("membership.created").
  const rawCode = /^[a-z]+(_[a-z]+)+$|^[a-z]+\.[a-z]+(_[a-z]+)*$/;
  return texts.filter((s) => english.has(s) || keys.has(s) || englishWords.test(s) || rawCode.test(s) ||
    /\[object |\bundefined\b|\bNaN\b|Invalid Date|\bnull\b/.test(s));
})()`

// Untranslated is what the page shows that a French page must not (see
// untranslated), whatever the page's language.
func Untranslated(t testing.TB, ctx context.Context) []string {
	t.Helper()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](untranslated, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: reading the page's texts: %v", err)
	}
	return found
}
