using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

/// <summary>
/// Where a disruption's recovery came from, t over its window (run minus counterfactual, countries outside the
/// restricting region). The six parts add up to <see cref="Disruption.RecoveryTonnes"/> exactly.
/// </summary>
public sealed record RecoveryMechanisms(double SubstitutionThrift, double NewSupply, double Recycling, double StockRelease,
    double DemandDestruction, double Other)
{
    public double Sum => SubstitutionThrift + NewSupply + Recycling + StockRelease + DemandDestruction + Other;

    /// <summary>The parts in the order of <see cref="ResilienceBuilder.MechanismNames"/>.</summary>
    public double this[int k] => k switch
    {
        0 => SubstitutionThrift, 1 => NewSupply, 2 => Recycling, 3 => StockRelease, 4 => DemandDestruction, 5 => Other,
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };
}

/// <summary>
/// One disruption of a material's supply to the countries outside the restricting region, against the counterfactual
/// (docs/model.md, "Resilience indicators"): when it started, its size, how long recovery took, and how the supply
/// lost from the restricting region was made up. <c>RecoveryMonths</c> is null when supply and price were not back
/// within the band before the horizon ended (the window then runs to the end). Shares are parts / recovery (null when
/// the recovery is not positive or less than <see cref="ResilienceBuilder.MinNetShare"/> of the parts' absolute sum).
/// </summary>
public sealed record Disruption(
    string Material, string Start, int StartIndex, string PeakMonth, double PeakSupplyLossShare, double PeakPriceMultiple,
    int? RecoveryMonths, string? Recovered, string WindowEnd,
    double CutTonnes, double ExtraShortageTonnes, double RecoveryTonnes,
    RecoveryMechanisms Tonnes, RecoveryMechanisms? Shares);

/// <summary>summary.json's <c>resilience</c>: every disruption found, in material then time order.</summary>
public sealed record ResilienceSummary(string Definition, IReadOnlyList<Disruption> Disruptions);

/// <summary>
/// Resilience indicators after Sprecher et al. (2017, Environ. Sci. Technol. 51(7) 3860-3870, "Novel indicators for the
/// quantification of resilience in critical material supply chains, with a 2010 rare earth crisis case study"): for each
/// disruption its size, its time to recover and the mechanisms of the recovery, computed from a run and its counterfactual
/// (<see cref="ResilienceSeries"/> of both). Definitions (docs/model.md, "Resilience indicators"):
/// <list type="bullet">
/// <item>supply to the outside countries in month t: imports from the restricting region + their primary output + their
/// recycling − their exports to the restricting region, as a 3-month trailing mean; loss share = (counterfactual − run) /
/// counterfactual; price multiple = outside price in the run / in the counterfactual; unmet loss share = the loss less the
/// fall in the outside countries' need (<see cref="UnmetLossShare"/>);</item>
/// <item>a disruption starts in the first month with an unmet loss share above <see cref="StartLoss"/> or a price multiple
/// above <see cref="StartPrice"/>; it has recovered in the first later month from which, for <see cref="CalmMonths"/> months,
/// the unmet loss share stays at most <see cref="BandLoss"/> and the price multiple at most <see cref="BandPrice"/>; its size
/// is the peak loss share of supply;</item>
/// <item>over its window (start to the month before recovery, or to the horizon's end): cut = imports from the
/// restricting region lost; recovery = cut − extra shortage; its parts: substitution and thrifting = extra need avoided;
/// new supply = extra primary output outside; recycling = extra recycled output; stock release = extra drawdown of
/// stockpiles, firms' inventories and sectors' stocks; demand destruction = need that fell for other reasons (firms
/// planning less output, extra need avoided excluded); other = recovery minus the five (by the material balance: fewer
/// exports to the restricting region, less discarded co-product, flows not recorded).</item>
/// </list>
/// </summary>
public static class ResilienceBuilder
{
    public const double StartLoss = 0.10, StartPrice = 1.25, BandLoss = 0.05, BandPrice = 1.10;
    public const int CalmMonths = 6, SmoothMonths = 3;
    /// <summary>Shares are reported only when the net recovery is at least this part of the parts' absolute sum.</summary>
    public const double MinNetShare = 0.25;
    public static readonly string[] MechanismNames = { "substitution_thrift", "new_supply", "recycling", "stock_release", "demand_destruction", "other" };
    /// <summary>The mechanisms' short names in the batch's column names (which stay short enough for an 80-column terminal).</summary>
    public static readonly string[] MechanismColumns = { "subst_thrift", "new_supply", "recycling", "stocks", "destruction", "other" };

    public const string Definition =
        "per material, countries outside the restricting region, run vs counterfactual: supply = imports from the restricting region + " +
        "primary output + recycling - exports to it (3-month mean); a disruption starts when supply is >10% below the counterfactual's " +
        "beyond what the users' lower need accounts for, or the price >1.25x; it has recovered when both stay within 5% and 1.1x for " +
        "6 months; size = the peak loss of supply; recovery = lost imports - extra shortage over " +
        "the window = substitution/thrift + new supply + recycling + stock release + demand destruction + other (additive)";

    public static ResilienceSummary Build(CountryTotals run, CountryTotals cf)
    {
        var r = run.Resilience;
        var list = new List<Disruption>();
        for (int mat = 0; mat < r.Model.M; mat++) list.AddRange(Of(run.Resilience, cf.Resilience, mat));
        return new ResilienceSummary(Definition, list);
    }

    /// <summary>The disruptions of one material, in time order.</summary>
    public static List<Disruption> Of(ResilienceSeries run, ResilienceSeries cf, int mat)
    {
        var m = run.Model;
        int T = run.Months;
        var list = new List<Disruption>();
        int t = 0;
        while (t < T)
        {
            if (!Disrupted(run, cf, mat, t)) { t++; continue; }
            int start = t, end = T; // end: the recovery month (exclusive end of the window)
            for (int u = start + 1; u + CalmMonths <= T; u++)
                if (Calm(run, cf, mat, u)) { end = u; break; }
            list.Add(Measure(run, cf, mat, start, end));
            t = end == T ? T : end + CalmMonths;
        }
        return list;
    }

    static Disruption Measure(ResilienceSeries run, ResilienceSeries cf, int mat, int start, int end)
    {
        var m = run.Model;
        int M = m.M, T = run.Months;
        double peakLoss = 0, peakPrice = 0; int peakT = start;
        double cut = 0, shortage = 0, subst = 0, made = 0, rec = 0, demand = 0;
        for (int t = start; t < end; t++)
        {
            double loss = LossShare(run, cf, mat, t), price = PriceMultiple(run, cf, mat, t);
            if (loss > peakLoss) { peakLoss = loss; peakT = t; }
            peakPrice = Math.Max(peakPrice, price);
            int k = t * M + mat;
            cut += cf.FromRestrictor[k] - run.FromRestrictor[k];
            shortage += run.Shortage[k] - cf.Shortage[k];
            subst += run.Avoided[k] - cf.Avoided[k];
            made += run.Made[k] - cf.Made[k];
            rec += run.Recycled[k] - cf.Recycled[k];
            demand += run.Demand[k] - cf.Demand[k];
        }
        double StockDrawn(ResilienceSeries s) =>
            (start > 0 ? s.Stock[(start - 1) * M + mat] : s.Stock[mat]) - s.Stock[(end - 1) * M + mat];
        double stock = StockDrawn(run) - StockDrawn(cf);
        double recovery = cut - shortage;
        double destruction = -demand - subst;
        double other = recovery - (subst + made + rec + stock + destruction);
        var tonnes = new RecoveryMechanisms(subst, made, rec, stock, destruction, other);
        // shares only of a net recovery that is a fair part of the gross movements: where the parts mostly cancel, a share of
        // their small net reads as thousands of percent (a few tonnes made up from hundreds moved in and out of stocks)
        double gross = Math.Abs(subst) + Math.Abs(made) + Math.Abs(rec) + Math.Abs(stock) + Math.Abs(destruction) + Math.Abs(other);
        RecoveryMechanisms? shares = recovery > 1e-9 && recovery >= MinNetShare * gross
            ? new RecoveryMechanisms(subst / recovery, made / recovery, rec / recovery, stock / recovery, destruction / recovery, other / recovery)
            : null;
        return new Disruption(m.MaterialIds[mat], m.MonthLabel(start), start, m.MonthLabel(peakT), peakLoss, peakPrice,
            end < T ? end - start : null, end < T ? m.MonthLabel(end) : null, m.MonthLabel(end - 1),
            cut, shortage, recovery, tonnes, shares);
    }

    static bool Disrupted(ResilienceSeries run, ResilienceSeries cf, int mat, int t) =>
        UnmetLossShare(run, cf, mat, t) > StartLoss || PriceMultiple(run, cf, mat, t) > StartPrice;

    static bool Calm(ResilienceSeries run, ResilienceSeries cf, int mat, int from)
    {
        for (int t = from; t < from + CalmMonths; t++)
            if (UnmetLossShare(run, cf, mat, t) > BandLoss || PriceMultiple(run, cf, mat, t) > BandPrice) return false;
        return true;
    }

    /// <summary>
    /// The supply loss that the outside countries' lower need does not account for: (counterfactual − run supply − (counterfactual
    /// − run need)) / counterfactual supply, 3-month trailing means; 0 without supply. Supply that falls because users thrift,
    /// substitute or make less is not missing; supply that falls while they still need it is.
    /// </summary>
    public static double UnmetLossShare(ResilienceSeries run, ResilienceSeries cf, int mat, int t)
    {
        double s1 = Supply(run, mat, t), s0 = Supply(cf, mat, t);
        return s0 > 1e-9 ? (s0 - s1 - (Need(cf, mat, t) - Need(run, mat, t))) / s0 : 0;
    }

    static double Need(ResilienceSeries s, int mat, int t)
    {
        int M = s.Model.M, from = Math.Max(0, t - SmoothMonths + 1);
        double sum = 0;
        for (int u = from; u <= t; u++) sum += s.Demand[u * M + mat];
        return sum / (t - from + 1);
    }

    /// <summary>(counterfactual − run) / counterfactual of the outside countries' supply, 3-month trailing means; 0 without supply.</summary>
    public static double LossShare(ResilienceSeries run, ResilienceSeries cf, int mat, int t)
    {
        double s1 = Supply(run, mat, t), s0 = Supply(cf, mat, t);
        return s0 > 1e-9 ? (s0 - s1) / s0 : 0;
    }

    /// <summary>The outside price in the run over the counterfactual's (1 when either is not positive).</summary>
    public static double PriceMultiple(ResilienceSeries run, ResilienceSeries cf, int mat, int t)
    {
        int k = t * run.Model.M + mat;
        double p1 = run.Price[k], p0 = cf.Price[k];
        return p0 > 0 && p1 > 0 ? p1 / p0 : 1;
    }

    static double Supply(ResilienceSeries s, int mat, int t)
    {
        int M = s.Model.M, from = Math.Max(0, t - SmoothMonths + 1);
        double sum = 0;
        for (int u = from; u <= t; u++)
        {
            int k = u * M + mat;
            sum += s.FromRestrictor[k] + s.Made[k] + s.Recycled[k] - s.ToRestrictor[k];
        }
        return sum / (t - from + 1);
    }

    /// <summary>The batch's recovery-months value: 0 without a disruption, NaN (NULL) when it did not recover within the horizon.</summary>
    public static double RecoveryMetric(Disruption? d) => d is null ? 0 : d.RecoveryMonths ?? double.NaN;

    /// <summary>The disruption a batch reports for a material: the one with the largest supply loss (the first on ties), or null.</summary>
    public static Disruption? Main(IEnumerable<Disruption> disruptions, string material)
    {
        Disruption? best = null;
        foreach (var d in disruptions)
            if (d.Material == material && (best is null || d.PeakSupplyLossShare > best.PeakSupplyLossShare)) best = d;
        return best;
    }
}
