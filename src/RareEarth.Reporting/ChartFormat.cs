using System.Globalization;

namespace RareEarth.Reporting;

/// <summary>
/// Numbers on chart axes and labels as a reader writes them: SI prefixes with the unit ("75 bn USD", "12 kt"),
/// shares as percentages ("0.034%"), never exponent notation or twelve-digit integers.
/// </summary>
public static class ChartFormat
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The prefixes a chart uses, largest first: (factor, prefix for money, prefix for tonnes and others).</summary>
    static readonly (double Factor, string Money, string Other)[] Prefixes =
    {
        (1e12, "tn", "T"), (1e9, "bn", "G"), (1e6, "M", "M"), (1e3, "k", "k"),
    };

    /// <summary>
    /// The scale for an axis whose largest absolute value is <paramref name="maxAbs"/>: the factor to divide by and the
    /// unit to show, e.g. (1e9, "bn USD") for costs of tens of billions, (1e3, "kt") for thousands of tonnes.
    /// </summary>
    public static (double Factor, string Unit) Scale(double maxAbs, string unit)
    {
        bool money = unit is "USD" or "EUR";
        if (unit == "t")
        {
            // tonnes take the SI prefix on the unit itself: kt, Mt
            foreach (var (f, _, p) in Prefixes.Where(x => x.Factor <= 1e6))
                if (maxAbs >= f) return (f, p + "t");
            return (1, "t");
        }
        // other units (months, USD/kg, %) read best as plain numbers with thousands separators
        if (!(money || unit.Length == 0) || !double.IsFinite(maxAbs) || maxAbs < 1e4) return (1, unit);
        foreach (var (f, m, p) in Prefixes)
            if (maxAbs >= f) return (f, Join(money ? m : p, unit));
        return (1, unit);
    }

    static string Join(string prefix, string unit) => unit.Length == 0 ? prefix : $"{prefix} {unit}";

    /// <summary>
    /// A tick formatter for an axis spanning [<paramref name="low"/>, <paramref name="high"/>] in <paramref name="unit"/>:
    /// every label in the same prefix, with the unit ("70 bn USD"); "%" for percentages.
    /// </summary>
    public static Func<double, string> Ticks(double low, double high, string unit)
    {
        double maxAbs = Math.Max(Math.Abs(low), Math.Abs(high));
        var (factor, shown) = Scale(maxAbs, unit);
        string suffix = shown switch { "" => "", "%" => "%", _ => " " + shown };
        return v => Math.Abs(v) < 1e-12 * Math.Max(1, maxAbs) ? "0" : Number(v / factor) + suffix;
    }

    /// <summary>A value with its unit, scaled to a readable prefix: Format(7.519e10, "USD") = "75.2 bn USD".</summary>
    public static string Format(double v, string unit)
    {
        if (!double.IsFinite(v)) return "-";
        if (unit == "%") return Number(v) + "%";
        var (factor, shown) = Scale(Math.Abs(v), unit);
        return shown.Length == 0 ? Number(v / factor) : $"{Number(v / factor)} {shown}";
    }

    /// <summary>A plain number with at most three significant digits after the point and thousands separators, never in E notation.</summary>
    public static string Number(double v)
    {
        if (!double.IsFinite(v)) return "-";
        if (Math.Abs(v) < 1e-12) return "0";
        double a = Math.Abs(v);
        // enough decimals to show three significant digits of small values (0.00034 -> "0.00034")
        int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.Min(12, 2 - (int)Math.Floor(Math.Log10(a)));
        var s = Math.Round(v, decimals).ToString("#,0." + new string('#', decimals), Inv);
        return s == "-0" ? "0" : s;
    }
}
