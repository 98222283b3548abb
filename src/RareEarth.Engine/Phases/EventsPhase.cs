namespace RareEarth.Engine.Phases;

/// <summary>Phase 1: scenario events dated this month change the rules in force.</summary>
public static class EventsPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        var events = m.Events;
        while (s.NextEvent < events.Length && events[s.NextEvent].Month <= s.Month)
        {
            if (!s.Counterfactual || events[s.NextEvent].InCounterfactual) ApplyOne(s, events[s.NextEvent]);
            s.NextEvent++;
        }
    }

    static void ApplyOne(WorldState s, in ScenarioEvent e)
    {
        var m = s.Model;
        int M = m.M, C = m.C;
        switch (e.Kind)
        {
            case EventKind.ExportRegime:
                for (int mat = 0; mat < M; mat++)
                {
                    if (!Covers(e, mat)) continue;
                    for (int d = 0; d < C; d++)
                    {
                        if (d == e.Country || (e.Destination >= 0 && d != e.Destination)) continue;
                        int k = (e.Country * M + mat) * C + d;
                        // a new approval rate under a licence already in force does not restart the queue
                        if (!(s.Regime[k] == RegimeKind.Licence && e.Regime == RegimeKind.Licence)) s.RegimeSince[k] = s.Month;
                        s.Regime[k] = e.Regime;
                        s.Approval[k] = e.Regime switch { RegimeKind.Licence => e.Value, RegimeKind.Ban => 0, _ => 1 };
                        s.Delay[k] = e.Delay;
                        if (e.IsConfrontation) s.Risk[d] = Math.Min(1, s.Risk[d] + m.Behaviour.RiskOnControl);
                    }
                }
                break;
            case EventKind.ExportDuty:
                for (int mat = 0; mat < M; mat++) if (Covers(e, mat)) s.Duty[e.Country * M + mat] = e.Value;
                break;
            case EventKind.ExportQuota:
                s.Quota[e.Country] = e.Value;
                for (int mat = 0; mat < M; mat++) s.QuotaCovers[e.Country * M + mat] = Covers(e, mat);
                break;
            case EventKind.EmbeddedRule:
                s.EmbeddedShare[e.Country] = e.Value;
                if (e.IsConfrontation)
                    for (int d = 0; d < C; d++)
                        if (m.CountryRegion[d] != m.CountryRegion[e.Country]) s.Risk[d] = Math.Min(1, s.Risk[d] + m.Behaviour.RiskOnControl);
                break;
            case EventKind.CapacityProject:
                AddProject(s, e.Firm, e.Value, s.Month + e.Delay, Math.Max(1, e.Ramp));
                break;
            case EventKind.OfftakeBreak:
                s.OfftakeBroken[e.Firm] = true;
                break;
            case EventKind.StockpileTarget:
                for (int mat = 0; mat < M; mat++)
                {
                    if (!Covers(e, mat)) continue;
                    s.StockpileTarget[e.Country * M + mat] = e.Value;
                    s.StockpileFill[e.Country * M + mat] = e.Value2;
                }
                break;
            case EventKind.CapexSubsidy:
                for (int p = 0; p < m.P; p++)
                    if (e.Process < 0 || p == e.Process) s.CapexSubsidy[e.Country * m.P + p] = e.Value;
                break;
            case EventKind.RndFunding:
                for (int f = 0; f < m.F; f++)
                    if (m.FirmCountry[f] == e.Country && m.FirmMaxThrift[f] > 0 && (e.Process < 0 || m.FirmProcess[f] == e.Process))
                        s.RndStock[f] += e.Value;
                for (int sec = 0; sec < m.S; sec++)
                    if (m.SectorCountry[sec] == e.Country && m.SectorSubstMax[sec] > 0 && (e.Material < 0 || m.SectorMaterial[sec] == e.Material))
                        s.SubstStock[sec] += e.Value2;
                break;
            case EventKind.Announcement:
                for (int d = 0; d < C; d++)
                    if (d != e.Country && (e.Destination < 0 || d == e.Destination))
                        s.Risk[d] = Math.Min(1, s.Risk[d] + m.Behaviour.RiskOnControl * e.Value);
                break;
            case EventKind.ProductionQuota:
                for (int p = 0; p < m.P; p++)
                    if (e.Process < 0 || p == e.Process) s.ProductionQuota[e.Country * m.P + p] = e.Value;
                break;
            case EventKind.Enforcement:
                s.Enforcement[e.Firm] = e.Value;
                break;
        }
    }

    static bool Covers(in ScenarioEvent e, int mat) =>
        e.Materials is not null ? e.Materials[mat] : (e.Material < 0 || e.Material == mat);

    /// <summary>Adds capacity (t/yr of activity) arriving from <paramref name="start"/>, ramping linearly over <paramref name="ramp"/> months.</summary>
    internal static void AddProject(WorldState s, int firm, double capacity, int start, int ramp)
    {
        int months = s.Model.Months + 1;
        double step = capacity / ramp;
        for (int k = 0; k < ramp; k++)
        {
            int t = start + k;
            if (t >= months) break;
            if (t < s.Month) t = s.Month;
            s.Pipeline[firm * months + t] += step;
        }
    }
}
