package slackfake

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func homeView(n int, text string) slack.HomeTabViewRequest {
	blocks := make([]slack.Block, n)
	for i := range blocks {
		blocks[i] = slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf("%s %d", text, i), false, false), nil, nil)
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}, CallbackID: "home"}
}

// views.publish sets a user's Home tab, checked like other views (home
// type, up to 100 blocks) and guarded by its hash; opening the tab sends
// app_home_opened with the published view, which slack-go decodes.
func TestAppHome(t *testing.T) {
	h, ctx := start(t, Options{Users: testUsers()}, nil)
	api := h.api

	if _, ok := h.fake.Home("U1"); ok {
		t.Fatal("Home(U1) before any publish: ok, want none")
	}
	// Opening a Home tab never published carries no view.
	if _, err := h.fake.OpenHome(ctx, "U1"); err != nil {
		t.Fatalf("OpenHome(U1): %v", err)
	}
	first := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent)
	opened, ok := first.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok {
		t.Fatalf("inner event = %T, want *slackevents.AppHomeOpenedEvent", first.InnerEvent.Data)
	}
	if diff := cmp.Diff([]string{"app_home_opened", "U1", "D1", "home"}, []string{opened.Type, opened.User, opened.Channel, opened.Tab}); diff != "" || opened.View != nil || opened.EventTimeStamp == "" {
		t.Errorf("app_home_opened before publish (-want +got):\n%s view %v event_ts %q", diff, opened.View, opened.EventTimeStamp)
	}

	v1, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: homeView(100, "incident")})
	if err != nil {
		t.Fatalf("PublishView(100 blocks): %v", err)
	}
	if v1.Type != slack.VTHomeTab || v1.ID == "" || v1.Hash == "" || len(v1.Blocks.BlockSet) != 100 {
		t.Errorf("PublishView = type %q id %q hash %q, %d blocks", v1.Type, v1.ID, v1.Hash, len(v1.Blocks.BlockSet))
	}
	v2, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: homeView(2, "all clear"), Hash: &v1.Hash})
	if err != nil {
		t.Fatalf("PublishView with the current hash: %v", err)
	}
	if v2.ID != v1.ID || v2.Hash == v1.Hash {
		t.Errorf("second publish: id %q hash %q; want the same id %q and a new hash", v2.ID, v2.Hash, v1.ID)
	}

	stale := v1.Hash
	errs := []struct {
		name string
		req  slack.PublishViewContextRequest
		want string
	}{
		{"stale hash", slack.PublishViewContextRequest{UserID: "U1", View: homeView(1, "late"), Hash: &stale}, "hash_conflict"},
		{"101 blocks", slack.PublishViewContextRequest{UserID: "U1", View: homeView(101, "x")}, "invalid_arguments"},
		{"a modal", slack.PublishViewContextRequest{UserID: "U1", View: slack.HomeTabViewRequest{Type: slack.VTModal, Blocks: homeView(1, "x").Blocks}}, "invalid_arguments"},
		{"section text too long", slack.PublishViewContextRequest{UserID: "U1", View: homeView(1, strings.Repeat("x", MaxSectionText))}, "invalid_arguments"},
		{"unknown user", slack.PublishViewContextRequest{UserID: "U9", View: homeView(1, "x")}, "invalid_arguments"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := api.PublishViewContext(ctx, tt.req); slackErr(err) != tt.want {
				t.Errorf("PublishView = %v, want %s", err, tt.want)
			}
		})
	}

	if w, err := h.fake.WaitHome(ctx, "U1", func(v View) bool { return v.Hash == v2.Hash }); err != nil || w.ID != v1.ID {
		t.Errorf("WaitHome(U1, second hash) = %+v, %v", w, err)
	}
	home, ok := h.fake.Home("U1")
	if !ok || home.Hash != v2.Hash || home.ID != v1.ID || !strings.Contains(string(home.View), "all clear 1") {
		t.Errorf("Home(U1) = %+v, %v; want the second publish", home, ok)
	}
	if _, ok := h.fake.Home("U2"); ok {
		t.Error("Home(U2): ok, want none; homes are per user")
	}

	if _, err := h.fake.OpenHome(ctx, "U1"); err != nil {
		t.Fatalf("OpenHome(U1): %v", err)
	}
	second := h.next(t, ctx, socketmode.EventTypeEventsAPI).Data.(slackevents.EventsAPIEvent)
	opened = second.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if opened.View == nil || opened.View.ID != v1.ID || opened.View.Hash != v2.Hash || len(opened.View.Blocks.BlockSet) != 2 {
		t.Errorf("app_home_opened view = %+v, want the published home %s with hash %s", opened.View, v1.ID, v2.Hash)
	}
	if _, err := h.fake.OpenHome(ctx, "U9"); err == nil {
		t.Error("OpenHome(U9) for an unknown user: no error")
	}
}
