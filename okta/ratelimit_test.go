package okta

import "testing"

func TestBucket(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/oauth2/v1/token", bucketToken},
		{"GET", "/api/v1/users", bucketUsers},
		{"POST", "/api/v1/users", bucketUsers},
		{"GET", "/api/v1/users/00u1", bucketUserGet},
		{"GET", "/api/v1/users/john@company.com", bucketUserGet},
		{"POST", "/api/v1/users/00u1", bucketUserWrite},
		{"PUT", "/api/v1/users/00u1", bucketUserWrite},
		{"DELETE", "/api/v1/users/00u1", bucketUserWrite},
		{"GET", "/api/v1/users/00u1/factors", bucketOther},
		{"GET", "/api/v1/users/00u1/groups", bucketOther},
		{"POST", "/api/v1/users/00u1/lifecycle/suspend", bucketOther},
		{"DELETE", "/api/v1/users/00u1/sessions", bucketOther},
		{"GET", "/api/v1/apps", bucketApps},
		{"GET", "/api/v1/apps/0oa1", bucketApp},
		{"GET", "/api/v1/apps/0oa1/users", bucketApps},
		{"GET", "/api/v1/groups", bucketGroups},
		{"GET", "/api/v1/groups/00g1", bucketGroup},
		{"GET", "/api/v1/groups/00g1/users", bucketGroups},
		{"GET", "/api/v1/logs", bucketLogs},
		{"GET", "/api/v1/policies", bucketOther},
		{"GET", "/api/v1/policies/00p1/rules", bucketOther},
	} {
		if got := bucket(tc.method, tc.path); got != tc.want {
			t.Errorf("bucket(%s %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}
