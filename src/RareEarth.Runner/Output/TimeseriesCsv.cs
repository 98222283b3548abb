using System.Globalization;
using RareEarth.Runner.Recording;

namespace RareEarth.Runner.Output;

/// <summary>
/// Writes a run as tidy long-format CSV: one row per value with the columns
/// month,metric,material,country,partner,sector,value,unit (empty where not applicable).
/// Every metric and unit is documented in docs/results.md.
/// </summary>
public static class TimeseriesCsv
{
    public const string Header = "month,metric,material,country,partner,sector,value,unit";

    public static void Write(SeriesRecorder r, TextWriter w)
    {
        var m = r.Model;
        w.WriteLine(Header);
        int T = m.Months, C = m.C, M = m.M;
        for (int t = 0; t < T; t++)
        {
            string month = m.MonthLabel(t);
            for (int mat = 0; mat < M; mat++)
                for (int reg = 0; reg < 2; reg++)
                    Row(w, month, "price", m.MaterialIds[mat], m.RegionIds[reg], "", "", r.PriceAt(t, mat, reg), "USD/kg");
            for (int c = 0; c < C; c++)
            {
                string country = m.CountryIds[c];
                for (int mat = 0; mat < M; mat++)
                {
                    string material = m.MaterialIds[mat];
                    double demand = r.At(r.Demand, t, c, mat);
                    double inv = r.At(r.Inventory, t, c, mat), pile = r.At(r.Stockpile, t, c, mat);
                    bool active = demand > 0 || r.At(r.Production, t, c, mat) > 0 || r.At(r.Recycled, t, c, mat) > 0 || inv > 0 || pile > 0;
                    if (!active) continue;
                    Row(w, month, "market_price", material, country, "", "", r.CountryPriceSeries(mat, c)[t], "USD/kg");
                    Row(w, month, "production", material, country, "", "", r.At(r.Production, t, c, mat), "t");
                    Row(w, month, "recycling", material, country, "", "", r.At(r.Recycled, t, c, mat), "t");
                    Row(w, month, "demand", material, country, "", "", demand, "t");
                    Row(w, month, "consumption", material, country, "", "", r.At(r.Consumption, t, c, mat), "t");
                    Row(w, month, "shortage", material, country, "", "", r.At(r.Shortage, t, c, mat), "t");
                    Row(w, month, "inventory", material, country, "", "", inv, "t");
                    Row(w, month, "stockpile", material, country, "", "", pile, "t");
                    Row(w, month, "coverage", material, country, "", "", demand > 0 ? (inv + pile) / demand : 0, "months");
                    double loss = r.At(r.Losses, t, c, mat);
                    if (loss > 0) Row(w, month, "losses", material, country, "", "", loss, "t");
                    double imports = 0, exports = 0;
                    for (int o = 0; o < C; o++)
                    {
                        if (o == c) continue;
                        double q = r.TradeAt(t, o, mat, c);
                        if (q > 0) { Row(w, month, "imports", material, country, m.CountryIds[o], "", q, "t"); imports += q; }
                        double e = r.TradeAt(t, c, mat, o);
                        if (e > 0) { Row(w, month, "exports", material, country, m.CountryIds[o], "", e, "t"); exports += e; }
                    }
                    Row(w, month, "imports", material, country, "", "", imports, "t");
                    Row(w, month, "exports", material, country, "", "", exports, "t");
                    double share = r.At(r.ChinaShare, t, c, mat);
                    if (m.CountryRegion[c] != 0 && !double.IsNaN(share))
                    {
                        Row(w, month, "china_share", material, country, "", "", share, "share");
                        Row(w, month, "china_share_embedded", material, country, "", "", r.At(r.ChinaShareEmbedded, t, c, mat), "share");
                    }
                }
                Row(w, month, "economic_loss", "", country, "", "", r.EconomicLoss[t * C + c], "USD");
                Row(w, month, "extra_cost", "", country, "", "", r.ExtraCost[t * C + c], "USD");
                Row(w, month, "export_revenue", "", country, "", "", r.ExportRevenue[t * C + c], "USD");
                Row(w, month, "fiscal_cost", "", country, "", "", r.FiscalCost[t * C + c], "USD");
                Row(w, month, "risk", "", country, "", "", r.Risk[t * C + c], "index");
                Row(w, month, "scrap_stock", "", country, "", "", r.Scrap[t * C + c], "t");
            }
            for (int s = 0; s < m.S; s++)
            {
                string country = m.CountryIds[m.SectorCountry[s]], material = m.MaterialIds[m.SectorMaterial[s]];
                Row(w, month, "demand", material, country, "", m.SectorIds[s], r.SectorNeed[t * m.S + s], "t");
                Row(w, month, "consumption", material, country, "", m.SectorIds[s], r.SectorConsumed[t * m.S + s], "t");
                Row(w, month, "shortage", material, country, "", m.SectorIds[s], r.SectorShortage[t * m.S + s], "t");
            }
            // capacity by country and process (the process's main output as material)
            for (int c = 0; c < C; c++)
                for (int p = 0; p < m.P; p++)
                {
                    double cap = 0, act = 0, idle = 0, held = 0; bool any = false;
                    for (int f = 0; f < m.F; f++)
                        if (m.FirmCountry[f] == c && m.FirmProcess[f] == p)
                        {
                            cap += r.Capacity[t * m.F + f]; act += r.Activity[t * m.F + f]; idle += r.Mothballed[t * m.F + f]; any = true;
                            if (RareEarth.Engine.Phases.ProductionPhase.IsStockholder(m, f)) held += r.FirmStock(t, f);
                        }
                    if (!any) continue;
                    string material = MainOutput(m, p);
                    if (m.Processes[p].Stage == RareEarth.Engine.ProcessSpec.StockholdingStage)
                    {
                        // speculative stockholders: what they hold, not capacity
                        Row(w, month, "speculative_stock", material, m.CountryIds[c], "", m.Processes[p].Id, held, "t");
                        continue;
                    }
                    Row(w, month, "capacity", material, m.CountryIds[c], "", m.Processes[p].Id, cap, "t/yr");
                    Row(w, month, "capacity_mothballed", material, m.CountryIds[c], "", m.Processes[p].Id, idle, "t/yr");
                    Row(w, month, "utilisation", material, m.CountryIds[c], "", m.Processes[p].Id, cap > 0 ? act * 12 / cap : 0, "share");
                }
        }
    }

    static string MainOutput(RareEarth.Engine.Model m, int p)
    {
        var proc = m.Processes[p];
        int best = 0; double bestV = -1;
        for (int mat = 0; mat < m.M; mat++)
        {
            double v = proc.Outputs[mat] * m.RefPrice[mat];
            if (v > bestV) { bestV = v; best = mat; }
        }
        return m.MaterialIds[best];
    }

    static void Row(TextWriter w, string month, string metric, string material, string country, string partner, string sector, double value, string unit)
    {
        w.Write(month); w.Write(',');
        w.Write(metric); w.Write(',');
        w.Write(material); w.Write(',');
        w.Write(country); w.Write(',');
        w.Write(partner); w.Write(',');
        w.Write(sector); w.Write(',');
        w.Write(value.ToString("G10", CultureInfo.InvariantCulture)); w.Write(',');
        w.WriteLine(unit);
    }
}
