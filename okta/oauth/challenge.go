package oauth

import "strings"

// AuthParams parses the key="value" parameters of a WWW-Authenticate
// challenge. Quoted values may contain commas and escaped quotes.
func AuthParams(v string) map[string]string {
	out := map[string]string{}
	if i := strings.IndexByte(v, ' '); i >= 0 && !strings.Contains(v[:i], "=") {
		v = v[i+1:] // the scheme
	}
	for len(v) > 0 {
		v = strings.TrimLeft(v, " ,")
		eq := strings.IndexByte(v, '=')
		if eq < 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(v[:eq]))
		v = v[eq+1:]
		var val strings.Builder
		if strings.HasPrefix(v, `"`) {
			i := 1
			for ; i < len(v); i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
					val.WriteByte(v[i])
					continue
				}
				if v[i] == '"' {
					break
				}
				val.WriteByte(v[i])
			}
			v = v[min(i+1, len(v)):]
		} else {
			end := strings.IndexByte(v, ',')
			if end < 0 {
				end = len(v)
			}
			val.WriteString(strings.TrimSpace(v[:end]))
			v = v[end:]
		}
		out[key] = val.String()
	}
	return out
}

// nonEmpty is s, or fallback when s is empty.
func nonEmpty(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
