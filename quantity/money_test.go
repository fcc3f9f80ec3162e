package quantity

import (
	"errors"
	"testing"
)

func TestParseMoney(t *testing.T) {
	for _, c := range []struct {
		num, unit string
		want      Money
		err       error
	}{
		{"123.4567", "万元", 123456700, nil}, // 1234567 元, with no float in between
		{"13565.97", "万元", 13565970000, nil},
		{"1,234.56", "元", 123456, nil},
		{"１２.５", "元", 1250, nil}, // full-width digits
		{"2.5", "亿元", 25000000000, nil},
		{"3", "千元", 300000, nil},
		{"-8.6", "万元", -8600000, nil},
		{"0.01", "元", 1, nil},
		{"12.345", "元", 0, ErrFinerThanFen},
		{"1.2345678", "万元", 0, ErrFinerThanFen}, // 12345.678 元
		{"100000000", "亿元", 0, ErrMoneyRange},   // 10^16 元
		{"1e5", "元", 0, ErrNotAmount},
		{"1/3", "元", 0, ErrNotAmount},
		{"1.", "元", 0, ErrNotAmount},
		{"5", "个", 0, ErrNotAmount},
	} {
		got, err := ParseMoney(c.num, c.unit)
		if !errors.Is(err, c.err) || err == nil && got != c.want {
			t.Errorf("ParseMoney(%q, %q) = %d, %v; want %d, %v", c.num, c.unit, got, err, c.want, c.err)
		}
	}
}

func TestMoneyText(t *testing.T) {
	for _, c := range []struct {
		m            Money
		str, trimmed string
	}{
		{123456700, "1234567.00", "1234567"},
		{-860, "-8.60", "-8.6"},
		{5, "0.05", "0.05"},
		{0, "0.00", "0"},
		{150000010, "1500000.10", "1500000.1"},
	} {
		if c.m.String() != c.str || c.m.Trimmed() != c.trimmed {
			t.Errorf("%d: String %q Trimmed %q; want %q %q", c.m, c.m.String(), c.m.Trimmed(), c.str, c.trimmed)
		}
	}
}

// TestQuantityMoney: a money quantity carries its exact amount in 分; one
// stated finer than 分, and every other kind, carries none.
func TestQuantityMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		want *Money
	}{
		{"下达资金123.4567万元", ptrMoney(123456700)},
		{"累计下达资金一点五万元", ptrMoney(1500000)},
		{"全县共投入三点二亿元", ptrMoney(32000000000)},
		{"结余资金为-8.6万元", ptrMoney(-8600000)},
		{"每份补贴12.345元", nil},
		{"培训5个班次", nil},
		{"执行率95.5%", nil},
	} {
		qs := Find(c.in)
		if len(qs) != 1 {
			t.Fatalf("%s: %d quantities", c.in, len(qs))
		}
		got := qs[0].Money
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s: Money %v, want %v", c.in, got, c.want)
		}
	}
}

func ptrMoney(m Money) *Money { return &m }
