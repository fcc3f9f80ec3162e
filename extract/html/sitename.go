package html

import (
	"regexp"
	"strings"
)

// siteSuffixRe finds a page title's last part after a separator, where
// portals put the site's name (…自评报告_青山县教育局, … - 青山县人民政府).
var siteSuffixRe = regexp.MustCompile(`^(.{4,}?)\s*(?:_|\||｜|－|——|—|--|\s-\s)\s*([^_|｜－—]{2,30})$`)

// reportWords mark a title part as the report's own name, never a site's.
var reportWords = regexp.MustCompile(`报告|自评|绩效|评价|年度|\d{4}`)

// StripSiteName removes the site's name that portals append to a page's
// <title> (…自评报告_青山县教育局, … - 青山县人民政府门户网站), repeatedly.
// The tail is kept when it reads like part of the report's own name (a
// year, 报告, 自评 …). The harvester and the reader share it.
func StripSiteName(title string) string {
	title = strings.TrimSpace(title)
	for {
		m := siteSuffixRe.FindStringSubmatch(title)
		if m == nil || reportWords.MatchString(m[2]) {
			return title
		}
		title = strings.TrimSpace(m[1])
	}
}
