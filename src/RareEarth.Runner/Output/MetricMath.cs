using RareEarth.Engine;

namespace RareEarth.Runner.Output;

/// <summary>One quantity over the months of a run, read out of a recorder's flat [month, ...] array without copying.</summary>
public readonly struct MonthSeries
{
    readonly double[] _data;
    readonly int _offset, _stride;
    public int Months { get; }

    public MonthSeries(double[] data, int offset, int stride, int months)
    {
        _data = data; _offset = offset; _stride = stride; Months = months;
    }

    public double this[int t] => _data[_offset + t * _stride];
}

/// <summary>The months a summary compares against: the 12 months before the shock (or the first 12 if there is none).</summary>
public readonly record struct BaselineWindow(int Shock, int From, int To)
{
    public static BaselineWindow Of(Model m)
    {
        int shock = m.ShockMonth >= 0 ? m.ShockMonth : 0;
        return shock == 0 ? new(0, 0, Math.Min(m.Months, 12)) : new(shock, Math.Max(0, shock - 12), shock);
    }

    public string Label(Model m) => $"{m.MonthLabel(From)}..{m.MonthLabel(To - 1)}";
}

/// <summary>Shortage of one importer and material over a run.</summary>
public readonly record struct ShortageStats(double Tonnes, double Demand, int MonthsInShortage, int WorstMonth, double WorstShare)
{
    public double Share => Tonnes / Demand;
}

/// <summary>
/// The definitions behind every summary metric (docs/results.md), written once and used by both
/// <see cref="SummaryBuilder"/> (summary.json of a single run) and the batch recorder (the runs table),
/// so the two agree bit for bit.
/// </summary>
public static class MetricMath
{
    /// <summary>
    /// A China share is shown (charts, the batch's china_share series) only in months where an importer's purchases
    /// reach this share of its demand: otherwise the engine's share repeats an old value or rests on a few kilograms.
    /// </summary>
    public const double SharePurchaseThreshold = 0.01;

    /// <summary>The China share to show for a month, or NaN when purchases were below <see cref="SharePurchaseThreshold"/> of demand.</summary>
    public static double ShownShare(double share, double bought, double demand) =>
        demand > 0 && bought >= SharePurchaseThreshold * demand && double.IsFinite(share) ? share : double.NaN;

    /// <summary>A month counts as "in shortage" when more than this share of demand went unmet.</summary>
    public const double ShortageMonthThreshold = 0.01;
    /// <summary>Decoupling must hold this many consecutive months to count.</summary>
    public const int DecouplingSustainMonths = 12;
    /// <summary>A price peak is credited to the shock only within this many months of it (the summary's "spike after the shock").</summary>
    public const int ShockWindowMonths = 24;

    public static double Sum(MonthSeries s, int from, int to)
    {
        double sum = 0;
        for (int t = from; t < to; t++) sum += s[t];
        return sum;
    }

    public static double Mean(MonthSeries s, int from, int to) => Sum(s, from, to) / (to - from);

    /// <summary>The highest value from <paramref name="from"/> to the end, and the first month it is reached.</summary>
    public static (double Peak, int Month) Peak(MonthSeries s, int from) => Peak(s, from, s.Months);

    /// <summary>The highest value in months [<paramref name="from"/>, <paramref name="to"/>), and the first month it is reached.</summary>
    public static (double Peak, int Month) Peak(MonthSeries s, int from, int to)
    {
        double peak = 0; int at = from;
        for (int t = from; t < Math.Min(to, s.Months); t++)
            if (s[t] > peak) { peak = s[t]; at = t; }
        return (peak, at);
    }

    public static int MonthsAbove(MonthSeries s, int from, double level)
    {
        int n = 0;
        for (int t = from; t < s.Months; t++) if (s[t] > level) n++;
        return n;
    }

    public static ShortageStats Shortage(MonthSeries shortage, MonthSeries demand)
    {
        double sh = 0, dem = 0, worst = 0; int months = 0, worstT = -1;
        for (int t = 0; t < shortage.Months; t++)
        {
            double s = shortage[t], d = demand[t];
            sh += s; dem += d;
            double share = d > 0 ? s / d : 0;
            if (share > ShortageMonthThreshold) months++;
            if (share > worst) { worst = share; worstT = t; }
        }
        return new ShortageStats(sh, dem, months, worstT, worst);
    }

    /// <summary>True when the China share is defined in some month (the country uses the material at all).</summary>
    public static bool AnyDefined(MonthSeries share)
    {
        for (int t = 0; t < share.Months; t++) if (!double.IsNaN(share[t])) return true;
        return false;
    }

    /// <summary>The last defined China share at or before month <paramref name="t"/> (months with no supply carry the last share forward).</summary>
    public static double LastKnown(MonthSeries share, int t)
    {
        for (; t >= 0; t--) { double v = share[t]; if (!double.IsNaN(v)) return v; }
        return double.NaN;
    }

    /// <summary>
    /// The first month from <paramref name="from"/> at which the China share falls below <paramref name="threshold"/>
    /// and stays below for <see cref="DecouplingSustainMonths"/> months; null when that does not happen within the horizon.
    /// </summary>
    public static int? FirstSustainedBelow(MonthSeries share, int from, double threshold)
    {
        int run = 0;
        for (int t = from; t < share.Months; t++)
        {
            double v = LastKnown(share, t);
            run = !double.IsNaN(v) && v < threshold ? run + 1 : 0;
            if (run >= DecouplingSustainMonths) return t - DecouplingSustainMonths + 1;
        }
        return null;
    }

    /// <summary>Cost of the confrontation from the shock on: lost end-use value + extra procurement (if positive) + fiscal cost, USD.</summary>
    public static (double Loss, double Extra, double Fiscal, double Total) Cost(MonthSeries loss, MonthSeries extra, MonthSeries fiscal, int shock)
    {
        double l = Sum(loss, shock, loss.Months), e = Sum(extra, shock, extra.Months), f = Sum(fiscal, shock, fiscal.Months);
        return (l, e, f, l + Math.Max(0, e) + f);
    }

    /// <summary>Export revenue at the baseline monthly rate over the months after the shock, minus what was earned, USD.</summary>
    public static (double BaselinePerMonth, double After, double AtBaseline, double Lost) LostRevenue(MonthSeries revenue, BaselineWindow w)
    {
        double perMonth = Mean(revenue, w.From, w.To);
        double after = Sum(revenue, w.Shock, revenue.Months);
        double atBase = perMonth * (revenue.Months - w.Shock);
        return (perMonth, after, atBase, atBase - after);
    }
}
