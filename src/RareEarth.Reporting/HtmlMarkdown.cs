using System.Text;
using System.Text.RegularExpressions;

namespace RareEarth.Reporting;

/// <summary>
/// The HTML twin of a report written as Markdown (report.md of <c>report</c>, compare.md of <c>compare</c>): the same
/// text, tables and charts in one self-contained file (charts inline as SVG, or PNG data URIs when there is no SVG),
/// with the styles of <see cref="HtmlReport"/>, so it opens offline and prints cleanly. Reads the subset of Markdown
/// the reports write: headings, paragraphs, bullet lists, tables, indented code, images, `code` and **bold**.
/// </summary>
public static partial class HtmlMarkdown
{
    /// <summary>Writes &lt;stem&gt;.html next to the Markdown file; returns its path.</summary>
    public static string WriteNextTo(string markdownPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(markdownPath))!;
        var html = Convert(File.ReadAllText(markdownPath), dir);
        var path = Path.ChangeExtension(markdownPath, ".html");
        File.WriteAllText(path, html);
        return path;
    }

    public static string Convert(string markdown, string dir)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var body = new StringBuilder();
        string title = "report";
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) continue;
            if (Heading().Match(line) is { Success: true } h)
            {
                int level = h.Groups[1].Value.Length;
                if (level == 1 && title == "report") title = h.Groups[2].Value;
                body.Append($"<h{level}>").Append(Inline(h.Groups[2].Value)).Append($"</h{level}>\n");
            }
            else if (Image().Match(line.Trim()) is { Success: true } img)
                body.Append("<figure>").Append(Figure(img.Groups[1].Value, img.Groups[2].Value, dir)).Append("</figure>\n");
            else if (line.TrimStart().StartsWith('|'))
            {
                var rows = new List<string[]>();
                for (; i < lines.Length && lines[i].TrimStart().StartsWith('|'); i++) rows.Add(Cells(lines[i]));
                i--;
                body.Append("<table>");
                for (int r = 0; r < rows.Count; r++)
                {
                    if (r == 1 && rows[r].All(c => Regex.IsMatch(c, "^:?-+:?$"))) continue;
                    string tag = r == 0 ? "th" : "td";
                    body.Append("<tr>").Append(string.Concat(rows[r].Select(c => $"<{tag}>{Inline(c)}</{tag}>"))).Append("</tr>");
                }
                body.Append("</table>\n");
            }
            else if (line.StartsWith("    "))
            {
                var code = new StringBuilder();
                for (; i < lines.Length && (lines[i].StartsWith("    ") || lines[i].Trim().Length == 0); i++) code.AppendLine(lines[i].Length >= 4 ? lines[i][4..] : "");
                i--;
                body.Append("<pre>").Append(HtmlReport.E(code.ToString().TrimEnd())).Append("</pre>\n");
            }
            else if (Regex.IsMatch(line, @"^\s*[-*] "))
            {
                body.Append("<ul>");
                for (; i < lines.Length && Regex.IsMatch(lines[i], @"^\s*[-*] "); i++) body.Append("<li>").Append(Inline(Regex.Replace(lines[i], @"^\s*[-*] ", ""))).Append("</li>");
                i--;
                body.Append("</ul>\n");
            }
            else
            {
                var para = new StringBuilder(line.Trim());
                for (; i + 1 < lines.Length && lines[i + 1].Trim().Length > 0 && !IsBlockStart(lines[i + 1]); i++) para.Append(' ').Append(lines[i + 1].Trim());
                body.Append("<p>").Append(Inline(para.ToString())).Append("</p>\n");
            }
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlReport.E(title) + "</title>\n" +
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>" + HtmlReport.Style +
               "pre{background:#f2f2f2;padding:.5em;white-space:pre-wrap}code{background:#f2f2f2}</style></head><body>\n" + body + "</body></html>\n";
    }

    static bool IsBlockStart(string line) =>
        Heading().IsMatch(line) || line.TrimStart().StartsWith('|') || line.StartsWith("    ") || Regex.IsMatch(line, @"^\s*[-*] ") || Image().IsMatch(line.Trim());

    static string[] Cells(string row)
    {
        var t = row.Trim();
        if (t.StartsWith('|')) t = t[1..];
        if (t.EndsWith('|')) t = t[..^1];
        return t.Split('|').Select(c => c.Trim()).ToArray();
    }

    /// <summary>An image of the report: its SVG twin inline when there is one, else the file as a data URI; a missing file is named.</summary>
    static string Figure(string alt, string src, string dir)
    {
        if (src.Contains("..") || Path.IsPathRooted(src)) return HtmlReport.E($"[{alt}]");
        var file = Path.Combine(dir, src);
        var svg = Path.ChangeExtension(file, ".svg");
        if (File.Exists(svg)) return HtmlCharts.Inline(File.ReadAllText(svg));
        if (!File.Exists(file)) return HtmlReport.E($"[{alt}: {src} is missing]");
        string type = Path.GetExtension(file).ToLowerInvariant() switch { ".png" => "image/png", ".jpg" or ".jpeg" => "image/jpeg", _ => "application/octet-stream" };
        return $"<img alt=\"{HtmlReport.E(alt)}\" style=\"max-width:100%\" src=\"data:{type};base64,{System.Convert.ToBase64String(File.ReadAllBytes(file))}\">";
    }

    /// <summary>Escapes text, then turns `code` and **bold** into HTML.</summary>
    static string Inline(string text)
    {
        var s = HtmlReport.E(text);
        s = Regex.Replace(s, "`([^`]+)`", "<code>$1</code>");
        s = Regex.Replace(s, @"\*\*([^*]+)\*\*", "<b>$1</b>");
        return s;
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^!\[([^\]]*)\]\(([^)\s]+)\)$")]
    private static partial Regex Image();
}
