
namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 2: countries apply the rules in force. Calendar-year quotas reset in January; licence
/// approvals for this month are drawn; export allowances per material and destination are set;
/// end-use needs for the month follow growth and substitution.
/// </summary>
public static class RulesPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        int M = m.M, C = m.C;
        int calMonth = m.CalendarMonth(s.Month);
        if (calMonth == 1 && s.Month > 0)
        {
            Array.Clear(s.QuotaUsed);
            Array.Clear(s.ProductionUsed);
        }
        // the region-0 countries whose rule on foreign goods with their content is in force (usually none or one)
        s.RuleCountryCount = 0;
        for (int c = 0; c < C; c++)
            if (m.CountryRegion[c] == 0 && !double.IsPositiveInfinity(s.EmbeddedShare[c])) s.RuleCountries[s.RuleCountryCount++] = c;
        int monthsLeft = 13 - calMonth;
        for (int c = 0; c < C; c++)
            s.QuotaMonth[c] = double.IsPositiveInfinity(s.Quota[c])
                ? double.PositiveInfinity
                : Math.Max(0, s.Quota[c] - s.QuotaUsed[c]) / monthsLeft;

        DrawApprovals(s);
        SetAllowances(s);
        SetNeeds(s);
    }

    /// <summary>One multiplicative noise draw per exporter and material (mean 1), shared by destinations.</summary>
    static void DrawApprovals(WorldState s)
    {
        var m = s.Model;
        int M = m.M, C = m.C;
        double kappa = m.Behaviour.ApprovalConcentration;
        for (int c = 0; c < C; c++)
            for (int mat = 0; mat < M; mat++)
            {
                bool any = false;
                int b = (c * M + mat) * C;
                for (int d = 0; d < C; d++) if (s.Regime[b + d] == RegimeKind.Licence) { any = true; break; }
                s.ApprovalNoise[c * M + mat] = any ? 2.0 * Draw.Beta(s.Rng, kappa / 2, kappa / 2) : 1.0;
            }
    }

    /// <summary>
    /// Share of the applications a destination filed <c>delay</c> months ago that an exporter approves
    /// this month: 1 open or quota (the quota is a separate total cap), 0 banned, the drawn approval
    /// rate under licence once the delay has passed since the regime started.
    /// </summary>
    internal static double AllowedShare(WorldState s, int c, int mat, int d)
    {
        var m = s.Model;
        int k = (c * m.M + mat) * m.C + d;
        switch (s.Regime[k])
        {
            case RegimeKind.Open:
            case RegimeKind.Quota: return 1;
            case RegimeKind.Ban: return 0;
            default:
                if (s.Month - s.RegimeSince[k] < s.Delay[k]) return 0;
                return Math.Clamp(s.Approval[k] * s.ApprovalNoise[c * m.M + mat], 0, 1);
        }
    }

    static void SetAllowances(WorldState s)
    {
        var m = s.Model;
        int M = m.M, C = m.C;
        for (int mat = 0; mat < M; mat++)
            for (int d = 0; d < C; d++)
            {
                double allow = 0;
                bool unrestricted = false;
                if (m.CountryRegion[d] == 0) { s.Allowance[mat * C + d] = double.PositiveInfinity; continue; }
                for (int c = 0; c < C; c++)
                {
                    if (m.CountryRegion[c] != 0) continue;
                    int k = (c * M + mat) * C + d;
                    if (s.Regime[k] == RegimeKind.Open || s.Regime[k] == RegimeKind.Quota) { unrestricted = true; break; }
                    if (s.Regime[k] == RegimeKind.Ban) continue;
                    // applications filed `delay` months ago; with no delay, the latest filed (last month's: this
                    // month's are filed in the market phase, after the allowance is set)
                    int lag = Math.Max(1, s.Delay[k]);
                    double applications = s.DesiredHistory[(d * M + mat) * 12 + ((s.Month - lag) % 12 + 12) % 12];
                    allow += AllowedShare(s, c, mat, d) * applications;
                }
                s.Allowance[mat * C + d] = unrestricted ? double.PositiveInfinity : allow;
            }
    }

    static void SetNeeds(WorldState s)
    {
        var m = s.Model;
        double years = s.Month / 12.0;
        for (int sec = 0; sec < m.S; sec++)
        {
            double baseNeed = m.SectorDemand0[sec] / 12.0 * Math.Pow(1 + m.SectorGrowth[sec], years);
            s.SectorNeed[sec] = baseNeed * (1 - s.SubstShare[sec]);
        }
    }
}
