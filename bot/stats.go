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
// knowledge base can grow from real traffic.
func TopUnknown(ctx context.Context, rdb redis.UniversalClient, prefix string, loc *time.Location, now time.Time, days, n int) ([]UnknownQuestion, error) {
	sum := map[string]float64{}
	for d := range days {
		key := prefix + "unknown:" + now.AddDate(0, 0, -d).In(loc).Format("20060102")
		zs, err := rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
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

// DayStats are the dialogue's quality counters of one day: category slug ("_" for none) →
// counter name (answered, suggested, none, helpful, not_helpful, handoff) → count.
type DayStats map[string]map[string]int64

// Stats returns the quality counters of the given day (YYYYMMDD).
func Stats(ctx context.Context, rdb redis.UniversalClient, prefix, day string) (DayStats, error) {
	h, err := rdb.HGetAll(ctx, prefix+"stats:"+day).Result()
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
