package pages_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"vigie/pb_public"
)

// pageFiles returns every embedded page and script by name.
func pageFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(pb_public.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".js") {
			data, err := fs.ReadFile(pb_public.FS(), path)
			files[path] = string(data)
			return err
		}
		return nil
	})
	if err != nil || len(files) < 10 {
		t.Fatalf("pages: %d files, %v", len(files), err)
	}
	return files
}

// ASVS 5.2.4, 5.3.1, 5.3.3, 5.5.4: the pages never turn strings into HTML
// or code (text goes in with textContent), and carry no inline script or
// event-handler attribute, which the CSP would block anyway.
func TestNoHTMLSinksASVS533(t *testing.T) {
	sinks := regexp.MustCompile(`\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\s*\(\s*["'\x60]|\.html\s*\(|DOMParser|createContextualFragment`)
	inline := regexp.MustCompile(`(?i)<script\b[^>]*>\s*[^<\s]|\son[a-z]+\s*=|javascript:`)
	for name, text := range pageFiles(t) {
		if m := sinks.FindString(text); m != "" {
			t.Errorf("%s: HTML or code from a string: %q", name, m)
		}
		if strings.HasSuffix(name, ".html") {
			if m := inline.FindString(text); m != "" {
				t.Errorf("%s: inline script: %q", name, m)
			}
			for _, tag := range regexp.MustCompile(`(?i)<script\b[^>]*>`).FindAllString(text, -1) {
				if !strings.Contains(tag, `src="/js/`) && !strings.Contains(tag, `src="js/`) {
					t.Errorf("%s: a script not from the portal: %s", name, tag)
				}
			}
		}
	}
}

// ASVS 2.1.11: password fields let browsers and password managers fill
// them, and nothing blocks pasting.
func TestPasswordFieldsHelpManagersASVS2111(t *testing.T) {
	field := regexp.MustCompile(`<input[^>]*type="password"[^>]*>`)
	found := 0
	for name, text := range pageFiles(t) {
		for _, input := range field.FindAllString(text, -1) {
			found++
			if !strings.Contains(input, `autocomplete="current-password"`) && !strings.Contains(input, `autocomplete="new-password"`) {
				t.Errorf("%s: %s hides itself from password managers", name, input)
			}
		}
		if regexp.MustCompile(`(?i)onpaste|["']paste["']|oncopy|["']copy["']`).MatchString(text) {
			t.Errorf("%s: handles paste or copy", name)
		}
	}
	if found < 3 {
		t.Fatalf("%d password fields found: the check proves nothing", found)
	}
}
