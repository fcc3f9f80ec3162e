package quantity

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"zipin/lexicon"
)

// Money is an amount of money in 分 (hundredths of a 元), exact. It is the
// one money type from this stage on: a Quantity of kind money carries one,
// and so do facts' headline, selfeval's forms and pipeline's rows; the
// dataset stores it as DECIMAL(18,2) 元 (package schema). Amounts are never
// carried as floats, so 123.4567万元 is 123456700 分, not the float nearest
// 1234567 元.
//
// An amount written finer than 1 分 (12.345元, 1.2345678万元) has no Money:
// the parsers return ErrFinerThanFen and the caller leaves the column NULL
// with a warning rather than rounding, since an auditor must be able to
// trust every stored figure to be the one the report states.
type Money int64

// Errors of the money parsers.
var (
	// ErrFinerThanFen: the amount is not a whole number of 分.
	ErrFinerThanFen = errors.New("amount finer than 1 分")
	// ErrMoneyRange: the amount does not fit DECIMAL(18,2) (|元| ≥ 10^16).
	ErrMoneyRange = errors.New("amount beyond DECIMAL(18,2)")
	// ErrNotAmount: the text is not a decimal number or the unit not a
	// money unit of lexicon.Units.
	ErrNotAmount = errors.New("not an amount")
)

// maxFen bounds |Money|: DECIMAL(18,2) holds 16 digits before the point.
var maxFen = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

var hundred = big.NewRat(100, 1)

// moneyOf returns an exact amount in 元 as Money.
func moneyOf(yuan *big.Rat) (Money, error) {
	fen := new(big.Rat).Mul(yuan, hundred)
	if !fen.IsInt() {
		return 0, ErrFinerThanFen
	}
	n := fen.Num()
	if new(big.Int).Abs(n).Cmp(maxFen) >= 0 {
		return 0, ErrMoneyRange
	}
	return Money(n.Int64()), nil
}

// ParseMoney reads an amount written as a decimal number (Arabic or
// full-width digits, thousands separators, a leading minus sign) in a money
// unit of lexicon.Units (元, 千元, 万元, 亿元): ParseMoney("123.4567", "万元")
// is 123456700 分. Errors: ErrNotAmount, ErrFinerThanFen, ErrMoneyRange,
// wrapped with the text.
func ParseMoney(number, unit string) (Money, error) {
	u, ok := lexicon.UnitOf(unit)
	if !ok || u.Kind != lexicon.Money {
		return 0, fmt.Errorf("%q %q: %w: %q is no money unit", number, unit, ErrNotAmount, unit)
	}
	m, err := ScaleMoney(number, u.Factor)
	if err != nil {
		return 0, fmt.Errorf("%s%s: %w", number, unit, err)
	}
	return m, nil
}

// ScaleMoney is the exact counterpart of Scale for an amount: the decimal
// number num (as written, with thousands separators and an optional sign)
// times factor 元 (1e4 for 万元), in 分. Errors: ErrNotAmount,
// ErrFinerThanFen, ErrMoneyRange.
func ScaleMoney(num string, factor float64) (Money, error) {
	v, ok := decimalRat(num)
	if !ok {
		return 0, ErrNotAmount
	}
	return moneyOf(v.Mul(v, ratFactor(factor)))
}

// decimalRat reads a plain decimal: digits with at most one point, an
// optional sign, thousands separators. big.Rat alone would also take
// fractions and exponents (1/3, 1e5), which no report writes as an amount.
func decimalRat(num string) (*big.Rat, bool) {
	s := arabicPlain.Replace(strings.TrimSpace(foldDigits(num)))
	body := strings.TrimPrefix(s, "-")
	dot := false
	for i, r := range body {
		switch {
		case isASCIIDigit(r):
		case r == '.' && !dot && i > 0 && i < len(body)-1:
			dot = true
		default:
			return nil, false
		}
	}
	if body == "" {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

// Yuan is the amount in 元 as a float, for ratios (executed ÷ budget) and
// display; never for storage or comparison of amounts.
func (m Money) Yuan() float64 { return float64(m) / 100 }

// String is the amount in 元 with two decimals, as DECIMAL(18,2) prints it:
// 1234567.00, -8.60.
func (m Money) String() string {
	sign, a := "", int64(m)
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// Trimmed is the amount in 元 as the shortest decimal, the form
// reports.evidence writes values in: 1234567.5, 1500000, 0.05.
func (m Money) Trimmed() string {
	s := m.String()
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
