namespace RareEarth.Engine.Phases;

/// <summary>
/// Phase 5: end-use sectors draw this month's need from their stock. Use falls below need when the
/// stock runs out (because purchases were rationed by supply or choked off by price); the gap is
/// shortage, valued at the sector's value added at risk per tonne. Magnets put into use come back
/// as end-of-life scrap after the sector's product lifetime, the collected share into the country's
/// scrap stock.
/// </summary>
public static class ConsumptionPhase
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        for (int sec = 0; sec < m.S; sec++)
        {
            int c = m.SectorCountry[sec], mat = m.SectorMaterial[sec];
            double need = s.SectorNeed[sec];
            // stock already bought is used as needed; prices act on purchases (MarketPhase), so
            // shortage appears when the stock runs out
            double used = Math.Min(need, s.SectorStock[sec]);
            s.SectorStock[sec] -= used;
            s.SectorConsumed[sec] = used;
            s.SectorShortage[sec] = Math.Max(0, need - used);
            int k = c * m.M + mat;
            s.Demand[k] += need;
            s.Consumption[k] += used;
            s.Shortage[k] += s.SectorShortage[sec];
            // the value added lost: loss_per_tonne assumes a share of the lost output is never made up; a short stop is
            // mostly made up later, output lost month after month is not (docs/model.md, "Consumption and shortage")
            s.SectorShortMonths[sec] = s.SectorShortage[sec] > 0.01 * need ? s.SectorShortMonths[sec] + 1 : 0;
            double lostShare = s.SectorShortMonths[sec] > 0 ? m.Behaviour.LostShare(s.SectorShortMonths[sec]) : m.Behaviour.LostShareFirstMonth;
            s.EconomicLoss[c] += s.SectorShortage[sec] * m.SectorLossPerTonne[sec] * lostShare / m.Behaviour.LossReferenceShare;
            int life = sec < m.SectorLifetimeMonths.Length ? m.SectorLifetimeMonths[sec] : 0;
            if (life > 0)
            {
                int ring = s.LifetimeRing, at = sec * ring;
                double eol = s.SoldHistory[at + ((s.Month - life) % ring + ring) % ring] * m.EndOfLifeCollection;
                s.SoldHistory[at + s.Month % ring] = used;
                s.Scrap[c] += eol;
            }
        }
    }
}
