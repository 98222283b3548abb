namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 5: end-use sectors draw this month's use from their stock. Use falls below need when the
/// stock runs out or when the price chokes demand; the gap is shortage, valued at the sector's
/// value added at risk per tonne.
/// </summary>
public static class ConsumptionPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        var b = m.Behaviour;
        for (int sec = 0; sec < m.S; sec++)
        {
            int c = m.SectorCountry[sec], mat = m.SectorMaterial[sec];
            int r = m.CountryRegion[c];
            double p = s.Price[mat * 2 + r];
            double need = s.SectorNeed[sec];
            double rel = p / s.Expected[mat * 2 + r];
            double chokeFactor = MarketPhase.ChokeFactor(m, p, m.RefPrice[mat], m.SectorChokeMultiple[sec] * m.RefPrice[mat]);
            double wanted = Math.Min(need, need * Math.Pow(rel, -m.SectorElasticity[sec]) * chokeFactor);
            double used = Math.Min(wanted, s.SectorStock[sec]);
            s.SectorStock[sec] -= used;
            s.SectorConsumed[sec] = used;
            s.SectorShortage[sec] = Math.Max(0, need - used);
            int k = c * m.M + mat;
            s.Demand[k] += need;
            s.Consumption[k] += used;
            s.Shortage[k] += s.SectorShortage[sec];
            s.EconomicLoss[c] += s.SectorShortage[sec] * m.SectorLossPerTonne[sec];
        }
    }
}
