package oktasim_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oktabot/oktabot/okta/oktasim"
)

// A peer's suite: okta-sdk-golang ships Okta's own integration tests
// (okta/api_*_test.go), written to run against a real org. TestSDKSuite
// runs those for the endpoints oktabot calls against the simulator: a copy
// of the SDK module in a temp dir, configured through the SDK's own
// environment variables, offline. Every failure is a simulator bug.

// sdkSuite says, for each integration test of the SDK, whether it runs and
// why not.
var sdkSuite = []struct {
	name string
	skip string // why it does not run; "" runs it
}{
	// Users.
	{"Test_Get_User", ""},
	{"Test_Activate_User", ""},
	{"Test_Update_User_Profile", ""},
	{"Test_Suspend_User", ""},
	{"Test_Get_User_With_Cache_Enabled", ""},
	{"TestCanPaginateAcrossUsers", ""},
	{"Test_Change_User_Password", "uses an endpoint oktabot does not call: POST /api/v1/users/{id}/credentials/change_password"},
	{"Test_Get_Reset_Password_Link_User", "uses an endpoint oktabot does not call: POST /api/v1/users/{id}/lifecycle/reset_password"},
	{"Test_Expire_Password_User_Get_Temp", "uses an endpoint oktabot does not call: POST /api/v1/users/{id}/lifecycle/expire_password_with_temp_password"},
	{"Test_Change_User_Recovery_Question", "uses endpoints oktabot does not call: POST /api/v1/users/{id}/credentials/change_recovery_question, …/forgot_password_recovery_question"},
	{"Test_Assign_User_To_A_Role", "uses an endpoint oktabot does not call: /api/v1/users/{id}/roles"},
	{"Test_User_Group_Target_Role", "uses an endpoint oktabot does not call: /api/v1/users/{id}/roles/{roleId}/targets/groups"},
	{"Test_List_User_Subscriptions", "uses an endpoint oktabot does not call: /api/v1/users/{id}/subscriptions"},
	// Groups and group membership.
	{"Test_Get_Group", ""},
	{"Test_Get_List_Group", ""},
	{"Test_Search_Group", ""},
	{"Test_Update_Group", ""},
	{"Test_Group_User_Operation", ""},
	{"Test_Group_Rule_Operation", "uses an endpoint oktabot does not call: /api/v1/groups/rules"},
	{"Test_List_Assigned_Applications_For_Group", ""},
	{"Test_Assigned_Role_To_Group_Operation", "uses an endpoint oktabot does not call: /api/v1/groups/{id}/roles"},
	// Apps.
	{"Test_Get_Applications", ""},
	{"Test_Get_List_Applications", ""},
	{"Test_Update_App", ""},
	{"Test_Activate_Application", ""},
	{"Test_Application_Users_Operations", "uses endpoints oktabot does not call: POST/GET/DELETE /api/v1/apps/{appId}/users/{userId}"},
	{"Test_Application_Groups_Operations", "uses endpoints oktabot does not call: PUT/GET/DELETE /api/v1/apps/{appId}/groups/{groupId}"},
	{"Test_CSR_For_Application", "uses an endpoint oktabot does not call: /api/v1/apps/{appId}/credentials/csrs"},
	{"TestGetDefaultProvisioningConnectionForApplication", "uses an endpoint oktabot does not call: /api/v1/apps/{appId}/connections/default"},
	{"Test_Upload_Application_Logo", "uses an endpoint oktabot does not call: POST /api/v1/apps/{appId}/logo"},
	{"Test_Application_Key_Operation", "uses an endpoint oktabot does not call: /api/v1/apps/{appId}/credentials/keys"},
	{"Test_Scope_Consent_Grant_Operation_For_Application", "uses an endpoint oktabot does not call: /api/v1/apps/{appId}/grants"},
	// Factors.
	{"TestListFactors", ""},
	// Policies.
	{"Test_Get_Policy", ""},
	{"Test_Get_List_Policies", ""},
	{"Test_Update_Policies", ""},
	{"Test_Activate_Policy", ""},
	{"Test_Policy_Rules_Operation", ""},
	{"Test_Clone_Policy", "uses an endpoint oktabot does not call: POST /api/v1/policies/{id}/clone (and the SDK skips it itself)"},
}

// sdkSuiteUser is the user TestListFactors reads, with a signed_nonce
// (Okta FastPass) factor among its factors.
const sdkSuiteUser = "00unr46bc687880gnS"

func TestSDKSuite(t *testing.T) {
	if os.Getenv("OKTABOT_SDK_SUITE") == "" {
		// Building the SDK's test package takes minutes: scripts/sdk-suite.
		t.Skip("set OKTABOT_SDK_SUITE=1 (or run scripts/sdk-suite) to run okta-sdk-golang's integration tests against the simulator")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the SDK's tests")
	}
	sdkDir := sdkModuleDir(t, goBin)
	// The same directory every run, so that the build cache keeps the
	// compiled SDK package between runs.
	work := filepath.Join(os.TempDir(), "oktabot-sdk-suite", filepath.Base(sdkDir))
	if err := os.RemoveAll(work); err != nil {
		t.Fatal(err)
	}
	copyTree(t, sdkDir, work)

	fx := &oktasim.Fixture{
		Users: []oktasim.Object{{"id": sdkSuiteUser, "status": "ACTIVE", "profile": oktasim.Object{
			"login": "fastpass@example.com", "email": "fastpass@example.com", "firstName": "Fast", "lastName": "Pass"}}},
		Factors: map[string][]oktasim.Object{sdkSuiteUser: {
			{"factorType": "signed_nonce", "provider": "OKTA", "profile": oktasim.Object{"name": "Mac", "platform": "MACOS"}},
			{"factorType": "push", "provider": "OKTA", "profile": oktasim.Object{"name": "iPhone", "platform": "IOS"}},
		}},
	}
	sim, err := oktasim.New(fx)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const clientID, kid = "0oasdksuite", "sdk-suite"
	sim.AddServiceApp(oktasim.ServiceApp{ClientID: clientID, PublicKey: &key.PublicKey, KeyID: kid})

	// The SDK keeps only the hostname of the org URL (configuration.go:
	// cfg.Host = purl.Hostname()), and several tests build their own
	// configuration: the simulator listens on port 80 of a loopback address
	// of its own, so that the org URL has no port.
	ln, orgURL := listenPort80(t)
	srv := &http.Server{Handler: sim}
	go func() { _ = srv.Serve(ln) }()     // returns ErrServerClosed at cleanup
	t.Cleanup(func() { _ = srv.Close() }) // teardown; a close error here decides nothing the test checks

	var run []string
	for _, s := range sdkSuite {
		if s.skip == "" {
			run = append(run, s.name)
		}
	}
	// Offline: the module cache serves as the proxy.
	modCache := goEnv(t, goBin, "GOMODCACHE")
	goEnvOffline := []string{"GOPROXY=file://" + filepath.ToSlash(filepath.Join(modCache, "cache", "download")),
		"GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local"}
	cachedDeps(t, goBin, work, modCache, goEnvOffline)

	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cmd := exec.CommandContext(t.Context(), goBin, "test", "-json", "-count=1", "-run", "^("+strings.Join(run, "|")+")$", ".")
	cmd.Dir = filepath.Join(work, "okta")
	cmd.Env = append(os.Environ(),
		"OKTA_CLIENT_ORGURL="+orgURL,
		"OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey",
		"OKTA_CLIENT_CLIENTID="+clientID,
		"OKTA_CLIENT_PRIVATEKEY="+string(keyPEM),
		"OKTA_CLIENT_PRIVATEKEYID="+kid,
		"OKTA_CLIENT_SCOPES=okta.users.read,okta.users.manage,okta.groups.read,okta.groups.manage,okta.policies.read,okta.policies.manage,okta.apps.read,okta.apps.manage",
		"OKTA_TESTING_DISABLE_HTTPS_CHECK=true",
		"OKTA_CLIENT_RATE_LIMIT_MAX_RETRIES=1",
	)
	cmd.Env = append(cmd.Env, goEnvOffline...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && len(out) == 0 {
		t.Fatalf("go test of the SDK's suite: %v\n%s", err, ee.Stderr)
	}
	results, logs := parseTestJSON(out)

	var report strings.Builder
	fmt.Fprintf(&report, "okta-sdk-golang integration tests against the simulator (%s):\n", orgURL)
	failed := 0
	for _, s := range sdkSuite {
		if s.skip != "" {
			fmt.Fprintf(&report, "  skipped  %-42s %s\n", s.name, s.skip)
			continue
		}
		res := results[s.name]
		switch res {
		case "":
			res = "not run"
			failed++
		case "fail":
			failed++
		case "skip":
			res = "skipped by the SDK: " + skipReason(logs[s.name])
		}
		fmt.Fprintf(&report, "  %-8s %s\n", res, s.name)
		var subtests []string
		for name := range results {
			if strings.HasPrefix(name, s.name+"/") {
				subtests = append(subtests, name)
			}
		}
		sort.Strings(subtests)
		for _, name := range subtests {
			fmt.Fprintf(&report, "    %-6s %s\n", results[name], name)
		}
	}
	t.Log(report.String())
	if u := sim.Unhandled(); len(u) > 0 {
		// TestMain's sweep may list objects the simulator does not serve.
		t.Logf("requests the simulator has no route for (not of a test above): %q", u)
	}
	if failed > 0 || err != nil {
		names := slices.Sorted(func(yield func(string) bool) {
			for n, r := range results {
				if r == "fail" && !yield(n) {
					return
				}
			}
		})
		for _, n := range names {
			t.Errorf("%s failed against the simulator:\n%s", n, logs[n])
		}
		if len(names) == 0 {
			t.Errorf("the SDK's suite did not pass (%v):\n%s", err, out)
		}
	}
}

// sdkModuleDir is the SDK module's directory in the module cache.
func sdkModuleDir(t *testing.T, goBin string) string {
	t.Helper()
	out, err := exec.Command(goBin, "list", "-m", "-json", "github.com/okta/okta-sdk-golang/v5").Output()
	if err != nil {
		t.Fatalf("go list the SDK module: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go list the SDK module: no Dir in %s", out)
	}
	return mod.Dir
}

// goEnv is one setting of the go command.
func goEnv(t *testing.T, goBin, name string) string {
	t.Helper()
	out, err := exec.Command(goBin, "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// cachedDeps moves each dependency of the SDK copy in dir whose version is
// not in the module cache to the newest version that is (the project's
// own dependencies are newer than the SDK's minimums), and drops the
// indirect ones the cache does not have at all.
func cachedDeps(t *testing.T, goBin, dir, modCache string, env []string) {
	t.Helper()
	out, err := exec.Command(goBin, "mod", "edit", "-json", filepath.Join(dir, "go.mod")).Output()
	if err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	args := []string{"mod", "edit"}
	for _, r := range mod.Require {
		v := filepath.Join(modCache, "cache", "download", escapeModPath(r.Path), "@v")
		if _, err := os.Stat(filepath.Join(v, r.Version+".zip")); err == nil {
			continue
		}
		if newest := newestZip(v); newest != "" {
			args = append(args, "-require="+r.Path+"@"+newest)
		} else {
			args = append(args, "-droprequire="+r.Path)
		}
	}
	if len(args) == 2 {
		return
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// newestZip is the newest version of a module the cache holds whole.
func newestZip(dir string) string {
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	var best string
	var bestKey [3]int
	for _, z := range zips {
		v := strings.TrimSuffix(filepath.Base(z), ".zip")
		var key [3]int
		core, _, _ := strings.Cut(strings.TrimPrefix(v, "v"), "-")
		for i, f := range strings.SplitN(core, ".", 3) {
			_, _ = fmt.Sscan(f, &key[i]) // a part that is not a number counts as 0
		}
		if best == "" || slices.Compare(key[:], bestKey[:]) > 0 {
			best, bestKey = v, key
		}
	}
	return best
}

// escapeModPath is a module path as the module cache spells it: each
// upper-case letter as "!" and its lower case.
func escapeModPath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// copyTree copies a directory (the module cache's copy is read-only).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy the SDK module: %v", err)
	}
}

// listenPort80 listens on port 80 of a free loopback address.
func listenPort80(t *testing.T) (net.Listener, string) {
	t.Helper()
	var last error
	for i := range 20 {
		b := make([]byte, 2)
		rand.Read(b)
		addr := fmt.Sprintf("127.%d.%d.%d", 100+i, b[0], 1+b[1]%250)
		ln, err := net.Listen("tcp", addr+":80")
		if err == nil {
			return ln, "http://" + addr
		}
		last = err
	}
	t.Fatalf("the SDK's suite needs port 80 on a loopback address (the SDK drops the org URL's port; run as root or with CAP_NET_BIND_SERVICE): %v", last)
	return nil, ""
}

// parseTestJSON reads `go test -json`: each test's result (pass, fail,
// skip) and output.
func parseTestJSON(out []byte) (map[string]string, map[string]string) {
	results, logs := map[string]string{}, map[string]*strings.Builder{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" {
			continue
		}
		switch ev.Action {
		case "pass", "fail", "skip":
			results[ev.Test] = ev.Action
		case "output":
			if logs[ev.Test] == nil {
				logs[ev.Test] = &strings.Builder{}
			}
			logs[ev.Test].WriteString(ev.Output)
		}
	}
	text := map[string]string{}
	for n, b := range logs {
		text[n] = b.String()
	}
	return results, text
}

// skipReason is the message of a t.Skip in a test's output.
func skipReason(log string) string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "=== ") && !strings.HasPrefix(l, "--- ") {
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "; ")
}
