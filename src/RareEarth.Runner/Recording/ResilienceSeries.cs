using RareEarth.Engine;

namespace RareEarth.Runner.Recording;

/// <summary>
/// The monthly flows of each material into and out of the countries outside the restricting price region (region 0,
/// China), summed over those countries: what the resilience indicators (<see cref="Output.ResilienceBuilder"/>)
/// compare between a run and its counterfactual. Kept by <see cref="CountryTotals"/>, so the full recorder and the
/// batch's recorder (and the batch's counterfactual run) keep the same numbers. Arrays are [month, material], allocated
/// only when the model's shape changes; a month step allocates nothing.
/// </summary>
public sealed class ResilienceSeries
{
    int _T = -1, _M = -1;
    Model _model = null!;
    /// <summary>[t, m] t the outside countries imported from region-0 countries.</summary>
    public double[] FromRestrictor = [];
    /// <summary>[t, m] t the outside countries exported to region-0 countries.</summary>
    public double[] ToRestrictor = [];
    /// <summary>[t, m] t of primary output of firms outside region 0.</summary>
    public double[] Made = [];
    /// <summary>[t, m] t recycled outside region 0.</summary>
    public double[] Recycled = [];
    /// <summary>[t, m] t of need outside region 0 (sectors' need after substitution, firms' planned inputs after thrifting).</summary>
    public double[] Demand = [];
    /// <summary>[t, m] t of that need left unmet.</summary>
    public double[] Shortage = [];
    /// <summary>[t, m] t of need avoided by substitution (sectors) and thrifting (firms' thriftable inputs) this month.</summary>
    public double[] Avoided = [];
    /// <summary>[t, m] t held outside region 0 at the end of the month: strategic stockpiles, firms' inventories, sectors' stocks.</summary>
    public double[] Stock = [];
    /// <summary>[t, m] USD/kg: the price outside region 0 (region 1's).</summary>
    public double[] Price = [];

    public Model Model => _model;
    public int Months => _T;

    /// <summary>Region-0 countries and the others, in ascending order.</summary>
    int[] _inside = [], _outside = [];

    public void Begin(Model model)
    {
        _model = model;
        if (_inside.Length + _outside.Length != model.C || !InsideMatches(model)) (_inside, _outside) = Sides(model);
        if (model.Months == _T && model.M == _M) return; // every slot is overwritten month by month
        _T = model.Months; _M = model.M;
        int n = _T * _M;
        FromRestrictor = new double[n]; ToRestrictor = new double[n]; Made = new double[n]; Recycled = new double[n];
        Demand = new double[n]; Shortage = new double[n]; Avoided = new double[n]; Stock = new double[n]; Price = new double[n];
    }

    // in a method of its own: a lambda capturing Begin's parameter would allocate its closure on every call of Begin
    static (int[] Inside, int[] Outside) Sides(Model model) =>
        (Enumerable.Range(0, model.C).Where(c => model.CountryRegion[c] == 0).ToArray(),
         Enumerable.Range(0, model.C).Where(c => model.CountryRegion[c] != 0).ToArray());

    bool InsideMatches(Model model)
    {
        foreach (int c in _inside) if (model.CountryRegion[c] != 0) return false;
        foreach (int c in _outside) if (model.CountryRegion[c] == 0) return false;
        return true;
    }

    public void Record(WorldState s, int t)
    {
        var m = _model;
        int M = _M, C = m.C, at = t * M;
        int outsideRegion = m.RegionIds.Length > 1 ? 1 : 0;
        for (int mat = 0; mat < M; mat++)
        {
            double from = 0, to = 0, made = 0, rec = 0, demand = 0, shortage = 0, stock = 0;
            for (int c = 0; c < C; c++)
            {
                bool outside = m.CountryRegion[c] != 0;
                // flows across the line only: an outside country's imports from region-0 origins, a region-0 country's
                // imports from outside origins (origins in ascending order, as a loop over all of them)
                var origins = outside ? _inside : _outside;
                for (int i = 0; i < origins.Length; i++)
                {
                    double q = s.Trade[(origins[i] * M + mat) * C + c];
                    if (outside) from += q; else to += q;
                }
                if (!outside) continue;
                int k = c * M + mat;
                made += s.Production[k]; rec += s.Recycled[k]; demand += s.Demand[k]; shortage += s.Shortage[k];
                stock += s.Stockpile[k];
            }
            FromRestrictor[at + mat] = from; ToRestrictor[at + mat] = to; Made[at + mat] = made; Recycled[at + mat] = rec;
            Demand[at + mat] = demand; Shortage[at + mat] = shortage; Stock[at + mat] = stock; Avoided[at + mat] = 0;
            Price[at + mat] = s.ReportedPrice(mat, outsideRegion);
        }
        for (int sec = 0; sec < m.S; sec++)
        {
            if (m.CountryRegion[m.SectorCountry[sec]] == 0) continue;
            int mat = m.SectorMaterial[sec];
            Stock[at + mat] += s.SectorStock[sec];
            double share = s.SubstShare[sec];
            // need = base need × (1 − share): the avoided part is need × share / (1 − share)
            if (share > 0 && share < 1) Avoided[at + mat] += s.SectorNeed[sec] * share / (1 - share);
        }
        for (int f = 0; f < m.F; f++)
        {
            if (m.CountryRegion[m.FirmCountry[f]] == 0) continue;
            var proc = m.Processes[m.FirmProcess[f]];
            for (int mat = 0; mat < M; mat++)
            {
                Stock[at + mat] += s.Inventory[f * M + mat];
                // planned need = planned activity × input × (1 − thrift) × grade: the avoided part is planned × input ×
                // (1 − (1 − thrift) × grade), negative while the grade choice loads more of a cheap input than the recipe
                if (proc.Inputs[mat] > 0 && proc.Thriftable[mat])
                    Avoided[at + mat] += s.Planned[f] * proc.Inputs[mat] * (1 - (1 - s.Thrift[f]) * s.Grade[f * M + mat]);
            }
        }
    }
}
