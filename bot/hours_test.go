package bot

import (
	"testing"
	"time"
)

// date returns hh:mm on a day of November 2026 in Shanghai.
func date(day, hh, mm int) time.Time { return time.Date(2026, 11, day, hh, mm, 0, 0, cst) }

func TestHoursOpen(t *testing.T) {
	t.Parallel()
	daily := Hours{Location: cst, Open: 8 * 60, Close: 22 * 60}
	// 双十一: the 10th to the 12th close at 01:00 the next day.
	peak := daily
	peak.Peaks = []Peak{{Name: "双十一", From: date(10, 0, 0), To: date(12, 0, 0), Close: 60}}
	late := daily
	late.Close = 24 * 60
	midnight := daily
	midnight.Close = 0
	tests := []struct {
		name  string
		hours Hours
		at    time.Time
		want  bool
	}{
		{"before opening", daily, date(26, 7, 59), false},
		{"at opening", daily, date(26, 8, 0), true},
		{"midday", daily, date(26, 12, 0), true},
		{"last minute", daily, date(26, 21, 59), true},
		{"at closing", daily, date(26, 22, 0), false},
		{"night", daily, date(26, 23, 30), false},
		{"past midnight", daily, date(26, 0, 30), false},
		{"in UTC, 02:00Z is 10:00 in Shanghai", daily, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), true},
		{"in UTC, 14:00Z is 22:00 in Shanghai", daily, time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC), false},

		{"day before the peak, evening", peak, date(9, 22, 30), false},
		{"day before the peak, past midnight", peak, date(10, 0, 30), false},
		{"first peak day, evening", peak, date(10, 23, 30), true},
		{"peak night past midnight", peak, date(11, 0, 30), true},
		{"peak night at 01:00", peak, date(11, 1, 0), false},
		{"peak night at 00:59", peak, date(11, 0, 59), true},
		{"peak morning before opening", peak, date(11, 7, 59), false},
		{"last peak day, evening", peak, date(12, 23, 59), true},
		{"after the last peak day, past midnight", peak, date(13, 0, 30), true},
		{"after the last peak day, at 01:00", peak, date(13, 1, 0), false},
		{"after the peak, evening", peak, date(13, 22, 30), false},
		{"two days after the peak, past midnight", peak, date(14, 0, 30), false},

		{"closing at 24:00, last minute", late, date(26, 23, 59), true},
		{"closing at 24:00, midnight", late, date(27, 0, 0), false},
		{"closing at 00:00, last minute", midnight, date(26, 23, 59), true},
		{"closing at 00:00, midnight", midnight, date(27, 0, 0), false},
	}
	for _, tt := range tests {
		if got := tt.hours.open(tt.at); got != tt.want {
			t.Errorf("%s: open(%s) = %v, want %v", tt.name, tt.at.Format("01-02 15:04"), got, tt.want)
		}
	}
}

func TestHoursNextOpen(t *testing.T) {
	t.Parallel()
	h := Hours{Location: cst, Open: 8 * 60, Close: 22 * 60}
	tests := []struct {
		at   time.Time
		want string
	}{
		{date(26, 0, 30), "今天 08:00"},
		{date(26, 7, 59), "今天 08:00"},
		{date(26, 22, 0), "明天 08:00"},
		{date(26, 23, 30), "明天 08:00"},
		{time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC), "今天 08:00"}, // 07:30 on the 27th in Shanghai
	}
	for _, tt := range tests {
		if got := h.nextOpen(tt.at); got != tt.want {
			t.Errorf("nextOpen(%s) = %q, want %q", tt.at.Format(time.RFC3339), got, tt.want)
		}
	}
}

func TestHoursWindowAndNotes(t *testing.T) {
	t.Parallel()
	h := Hours{
		Location: cst, Open: 8 * 60, Close: 22 * 60,
		Peaks: []Peak{{Name: "双十一", From: date(10, 0, 0), To: date(12, 0, 0), Close: 60}},
		Notes: []DatedNote{{From: date(20, 0, 0), To: date(21, 0, 0), Text: "20-21日系统升级"}},
	}
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{date(9, 12, 0), "08:00-22:00"},
		{date(10, 12, 0), "08:00-次日01:00"},
		{date(12, 23, 0), "08:00-次日01:00"},
		{date(13, 12, 0), "08:00-22:00"},
	} {
		if got := h.window(tt.at); got != tt.want {
			t.Errorf("window(%s) = %q, want %q", tt.at.Format("01-02 15:04"), got, tt.want)
		}
	}
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{date(19, 23, 59), 0},
		{date(20, 0, 0), 1},
		{date(21, 23, 59), 1},
		{date(22, 0, 0), 0},
	} {
		if got := len(h.notes(tt.at)); got != tt.want {
			t.Errorf("notes(%s) = %d notes, want %d", tt.at.Format("01-02 15:04"), got, tt.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		want    Clock
		wantErr bool
	}{
		{"08:00", 8 * 60, false},
		{"22:00", 22 * 60, false},
		{"01:30", 90, false},
		{"24:00", 24 * 60, false},
		{"24:01", 0, true},
		{"25:00", 0, true},
		{"08:60", 0, true},
		{"8", 0, true},
		{"", 0, true},
	} {
		got, err := ParseClock(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseClock(%q).String() = %q, want %q", tt.in, got.String(), tt.in)
		}
	}
}
