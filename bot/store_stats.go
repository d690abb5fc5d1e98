package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// UnknownQuestion is a question nobody could answer, masked, with how often it was asked.
type UnknownQuestion struct {
	Text  string
	Count int
}

// TopUnknown returns the n most frequent unanswered questions of the last days days, so the
// knowledge base can grow from real traffic. It reads what bots with the same key prefix
// recorded; days are counted in loc, the service hours' time zone.
func TopUnknown(ctx context.Context, rdb redis.UniversalClient, prefix string, loc *time.Location, now time.Time, days, n int) ([]UnknownQuestion, error) {
	k := keys{prefix: prefix}
	sum := map[string]float64{}
	for d := range days {
		zs, err := rdb.ZRangeWithScores(ctx, k.unknown(day(now.AddDate(0, 0, -d), loc)), 0, -1).Result()
		if err != nil {
			return nil, fmt.Errorf("bot: unknown questions: %w", err)
		}
		for _, z := range zs {
			sum[fmt.Sprint(z.Member)] += z.Score
		}
	}
	out := make([]UnknownQuestion, 0, len(sum))
	for t, c := range sum {
		out = append(out, UnknownQuestion{t, int(c)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Text < out[j].Text
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// dayStats returns the dialogue's quality counters of the given day (YYYYMMDD).
func (s *store) dayStats(ctx context.Context, day string) (DayStats, error) {
	h, err := s.rdb.HGetAll(ctx, s.keys.stats(day)).Result()
	if err != nil {
		return nil, fmt.Errorf("bot: stats: %w", err)
	}
	out := DayStats{}
	for k, v := range h {
		cat, name, ok := strings.Cut(k, ":")
		if !ok {
			continue
		}
		if out[cat] == nil {
			out[cat] = map[string]int64{}
		}
		var n int64
		fmt.Sscan(v, &n)
		out[cat][name] = n
	}
	return out, nil
}
