using System.Net;
using System.Text;

namespace RareEarth.Reporting;

/// <summary>One part of a report: a title, an inline chart (SVG text) or ready HTML, and a plain-words note under it.</summary>
public sealed record HtmlSection(string Title, string? Svg = null, string? Html = null, string? Why = null);

/// <summary>A table of a report; every cell is text (escaped when written). Right-aligned columns hold numbers.</summary>
public sealed record HtmlTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<int>? NumericColumns = null);

/// <summary>What a report holds, top to bottom.</summary>
public sealed record HtmlReportModel(
    string Title,
    string Subtitle,
    IReadOnlyList<string> Headlines,
    IReadOnlyList<HtmlSection> Sections,
    IReadOnlyList<HtmlTable> Tables,
    IReadOnlyList<string> Notes);

/// <summary>
/// One self-contained HTML file: styles inline, charts inline as SVG, no script, no link to anything outside it, so it
/// opens offline and prints to PDF with one chart per block (the workbench's "Report", report.html of the CLI).
/// </summary>
public static class HtmlReport
{
    public const string Style = """
        body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.4;padding:0 1em}
        h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
        .subtitle{color:#555;margin-top:0}.headlines li{margin:.3em 0;font-weight:bold}
        section{break-inside:avoid;page-break-inside:avoid;margin-bottom:1.5em}
        svg{max-width:100%;height:auto}.why{background:#f4f7fb;border-left:4px solid #4a7bb7;padding:.5em .8em;margin:.4em 0}
        table{border-collapse:collapse;margin:.5em 0;font-size:.9em;break-inside:avoid}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
        td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}
        .notes{color:#555;font-size:.85em}.notes code{word-break:break-all}
        @media print{body{margin:0;max-width:none}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
        @page{margin:1.5cm}
        """;

    public static string Render(HtmlReportModel m)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(m.Title)).Append("</title>\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<style>").Append(Style).Append("</style></head><body>\n");
        sb.Append("<h1>").Append(E(m.Title)).Append("</h1>\n<p class=\"subtitle\">").Append(E(m.Subtitle)).Append("</p>\n");
        if (m.Headlines.Count > 0)
        {
            sb.Append("<h2>Headlines</h2>\n<ul class=\"headlines\">\n");
            foreach (var h in m.Headlines) sb.Append("<li>").Append(E(h)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        foreach (var s in m.Sections)
        {
            sb.Append("<section><h2>").Append(E(s.Title)).Append("</h2>\n");
            if (s.Svg is not null) sb.Append("<figure>").Append(s.Svg).Append("</figure>\n");
            if (s.Html is not null) sb.Append(s.Html).Append('\n');
            if (!string.IsNullOrEmpty(s.Why)) sb.Append("<p class=\"why\">").Append(E(s.Why)).Append("</p>\n");
            sb.Append("</section>\n");
        }
        foreach (var t in m.Tables) sb.Append(Table(t));
        if (m.Notes.Count > 0)
        {
            sb.Append("<div class=\"notes\">\n");
            foreach (var n in m.Notes) sb.Append("<p>").Append(E(n)).Append("</p>\n");
            sb.Append("</div>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>A table as HTML (caption as a heading, cells escaped).</summary>
    public static string Table(HtmlTable t)
    {
        var sb = new StringBuilder("<section><h2>").Append(E(t.Caption)).Append("</h2>\n<table><tr>");
        foreach (var h in t.Headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr>\n");
        foreach (var row in t.Rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
                sb.Append(t.NumericColumns?.Contains(i) == true ? "<td class=\"num\">" : "<td>").Append(E(row[i])).Append("</td>");
            sb.Append("</tr>\n");
        }
        return sb.Append("</table></section>\n").ToString();
    }

    /// <summary>HTML-escapes text.</summary>
    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
}
