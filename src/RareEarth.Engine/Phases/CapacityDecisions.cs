namespace RareEarth.Engine.Phases;

/// <summary>
/// Part of phase 6: firms' cash and what they do with their capacity (docs/model.md, "Mothballing, restart and exit").
/// <list type="bullet">
/// <item>Cash: each month a firm's cash changes by its sales revenue and price-floor top-ups, less its inputs at this
/// month's price in its country's market and its cash cost: the variable part (1 − φ) on activity and the fixed part φ on active
/// capacity (φ = <c>fixed_cost_share</c>; mothballed capacity saves it). The cash cost is the unit cost without its
/// capital charge (<c>cash_cost</c>): sunk capital does not decide whether a plant keeps running. Capacity built
/// during the run is paid for with debt: its capital charge (unit cost − cash cost) is paid in cash every month.</item>
/// <item>Mothball: a firm whose expected cash margin stays below −<c>mothball_margin</c> for <c>mothball_after_months</c>
/// months in a row mothballs <c>mothball_share</c> of the capacity it leaves idle.</item>
/// <item>Restart: mothballed capacity comes back once the long-run cash margin has stayed above <c>restart_margin</c>
/// for <c>restart_after_months</c> months, after <c>restart_lead_months</c>, at a cost of <c>restart_cost_months</c>
/// months of its fixed cost.</item>
/// <item>Exit: a firm whose cash falls below minus <c>cash_months</c> months of its cash cost at full capacity fails:
/// its capacity, mothballed capacity and projects are gone for good (Molycorp, 2015). Firms without
/// <c>cash_months</c> (state-backed) never fail.</item>
/// </list>
/// Unreported mines and speculative stockholders are left out. Allocates nothing.
/// </summary>
public static class CapacityDecisions
{
    public static void Apply(WorldState s)
    {
        var m = s.Model;
        var b = m.Behaviour;
        int horizon = m.Months + 1;
        for (int f = 0; f < m.F; f++)
        {
            if (s.Exited[f] || ProductionPhase.IsStockholder(m, f) || ProductionPhase.IsUnreported(m, f)) continue;
            var proc = m.Processes[m.FirmProcess[f]];
            int fc = m.FirmCountry[f];
            double cash = ProductionPhase.CashCost(m, f) * 1000; // USD per t of activity
            double inputs = 0, topUp = 0;
            foreach (int mat in proc.InputMaterials)
            {
                double coef = ProductionPhase.InputCoefficient(s, f, proc, mat);
                if (coef > 0) inputs += s.Activity[f] * coef * s.CountryPrice[mat * m.C + fc] * 1000;
            }
            foreach (int mat in proc.OutputMaterials)
            {
                double p = s.CountryPrice[mat * m.C + fc], floor = ProductionPhase.FloorFor(s, f, mat);
                if (floor > p) topUp += s.Activity[f] * proc.Outputs[mat] * (floor - p) * 1000;
            }
            // capacity built during the run is paid for with debt: its capital charge is a cash outflow (Molycorp's Phoenix)
            double built = Math.Max(0, s.Capacity[f] + s.Mothballed[f] - m.FirmCapacity0[f]);
            double debtService = Math.Max(0, m.FirmUnitCost[f] * 1000 - cash) * built / 12.0;
            s.Cash[f] += s.FirmRevenue[f] + topUp - inputs - debtService
                         - cash * ((1 - b.FixedCostShare) * s.Activity[f] + b.FixedCostShare * s.Capacity[f] / 12.0);
            double credit = f < m.FirmCashMonths.Length ? m.FirmCashMonths[f] : double.PositiveInfinity;
            if (!double.IsPositiveInfinity(credit) && s.Cash[f] < -credit * cash * (s.Capacity[f] + s.Mothballed[f]) / 12.0)
            {
                Exit(s, f, horizon);
                continue;
            }

            // below cash cost for months in a row: mothball part of the idle capacity
            double cashMargin = ProductionPhase.CashMarginRatio(s, f, proc, fc, useLongRun: false);
            s.LossMonths[f] = s.Capacity[f] > 0 && cashMargin < -b.MothballMargin ? s.LossMonths[f] + 1 : 0;
            if (s.LossMonths[f] >= b.MothballAfterMonths)
            {
                double idle = s.Capacity[f] * (1 - s.Utilisation[f]) * b.MothballShare;
                s.Capacity[f] -= idle;
                s.Mothballed[f] += idle;
                s.LossMonths[f] = 0;
                s.MothballCount[f]++;
            }

            if (s.Mothballed[f] <= 0) { s.GoodMonths[f] = 0; continue; }
            double longRun = ProductionPhase.CashMarginRatio(s, f, proc, fc, useLongRun: true);
            s.GoodMonths[f] = longRun > b.RestartMargin ? s.GoodMonths[f] + 1 : 0;
            if (s.GoodMonths[f] >= b.RestartAfterMonths)
            {
                double back = s.Mothballed[f];
                s.Mothballed[f] = 0;
                s.GoodMonths[f] = 0;
                s.Cash[f] -= back * b.FixedCostShare * cash / 12.0 * b.RestartCostMonths;
                EventsPhase.AddProject(s, f, back, s.Month + 1 + b.RestartLeadMonths, 1);
            }
        }
    }

    static void Exit(WorldState s, int f, int horizon)
    {
        s.Exited[f] = true;
        s.Capacity[f] = 0;
        s.Mothballed[f] = 0;
        for (int t = s.Month + 1; t < horizon; t++) s.Pipeline[f * horizon + t] = 0;
    }
}
