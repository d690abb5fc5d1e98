package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestMatcherAgreesWithRegexp checks the quick rejection against the plain regexp on every user
// turn of the conversation sets, for the dialogue's patterns and some made to be awkward.
func TestMatcherAgreesWithRegexp(t *testing.T) {
	t.Parallel()
	corpus := []string{"", "ABC", "abc", "Transfer me", "ＯＫ", "!!", "？？？", "12315", "I was SCAMMED", "ß", "ſ", "K"}
	for _, f := range []string{"set-a.yaml", "set-b.yaml"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "convsets", f))
		if err != nil {
			t.Fatal(err)
		}
		var set convSet
		if err := yaml.Unmarshal(raw, &set); err != nil {
			t.Fatal(err)
		}
		for _, cv := range set {
			for _, turn := range cv.Turns {
				corpus = append(corpus, turn.User, bare(turn.User))
			}
		}
	}
	patterns := []*matcher{
		menuAskRE, suggestionRE, solvedRE, notSolvedRE, ticketRefRE, slowRE, reasonRE, followUpRE,
		crossBorderCueRE, moneyRE, unresolvedRE, waitRE, handoffRE, notHandoffRE, identityRE,
		screenRE, screenDoneRE, takeoverRE, theftRE, balanceDropRE, fooledRE, transferRE, scamCtxRE, codeGivenRE, impersonRE, demandRE,
		whatNowRE, recoverRE, doneRE, noHarmRE, materialRE, whyRE, stopRE, whoRE, shareSecretRE,
		scriptRE, noLossNowRE, arrivedRE, pastCaseRE, numberClaimRE, numberAskRE, numberUseRE, caseAckRE,
		upsetRE, whenRE, chaseRE, forgotNoRE, ourWordsRE, compareRE,
		walletNameRE, dissatisfiedRE, whereRE,
		mustMatcher(`(?i)k|straße`), mustMatcher(`x*y?`), mustMatcher(`.{0,3}钱`), mustMatcher(`\bok\b|[a-c]{2}|\d+元`),
		mustMatcher(`^(那|还有)?呢$|也(到|能)`),
	}
	for _, o := range otherCompanies {
		patterns = append(patterns, o.re)
	}
	for _, m := range patterns {
		re := regexp.MustCompile(m.String())
		for _, s := range corpus {
			if got, want := m.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("matcher(%s).MatchString(%q) = %v, want %v", m, s, got, want)
			}
			if got, want := m.FindString(s), re.FindString(s); got != want {
				t.Errorf("matcher(%s).FindString(%q) = %q, want %q", m, s, got, want)
			}
			if got, want := m.FindStringSubmatch(s), re.FindStringSubmatch(s); !slices.Equal(got, want) {
				t.Errorf("matcher(%s).FindStringSubmatch(%q) = %q, want %q", m, s, got, want)
			}
		}
	}
	if m := mustMatcher(`.{0,3}钱`); m.first != nil {
		t.Errorf("mustMatcher(.{0,3}钱) has a quick rejection %v; it can start with any rune", m.first)
	}
	if m := mustMatcher(`被骗|盗刷`); len(m.first) != 2 {
		t.Errorf("mustMatcher(被骗|盗刷) first runes = %v, want 被 and 盗", m.first)
	}
}
