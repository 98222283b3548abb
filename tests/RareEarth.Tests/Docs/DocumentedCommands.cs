using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RareEarth.Tests.Docs;

/// <summary>One command line of the tool as a document shows it: its arguments, where it stands, and the line as written.</summary>
public sealed record DocumentedCommand(string Document, int Line, string Text, IReadOnlyList<string> Args);

/// <summary>
/// Finds the commands of the tool in a Markdown document's shell code blocks: lines that call <c>$R ...</c>,
/// <c>dotnet run --project src/RareEarth.Cli ... -- ...</c> or <c>rareearth ...</c>, with shell quoting, comments,
/// line continuations, <c>for VAR in ...; do ... done</c> loops, <c>$VAR</c> and <c>*</c> globs (expanded when run).
/// A code block preceded by <c>&lt;!-- illustrative --&gt;</c> is not a runnable example and is left out.
/// </summary>
public static class DocumentedCommands
{
    public const string IllustrativeMarker = "<!-- illustrative -->";
    /// <summary>Stands for an unquoted <c>*</c> in a word (a glob the runner expands); a quoted one stays a <c>*</c>.</summary>
    public const char Glob = '\u0001';
    static readonly string[] ShellLanguages = { "", "bash", "sh", "shell", "console" };

    public static List<DocumentedCommand> Extract(string document, string markdown)
    {
        var result = new List<DocumentedCommand>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var fence = Regex.Match(lines[i], @"^\s*```\s*(\w*)\s*$");
            if (!fence.Success) continue;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !Regex.IsMatch(lines[end], @"^\s*```\s*$")) end++;
            bool illustrative = PreviousNonBlank(lines, i)?.Trim() == IllustrativeMarker;
            if (ShellLanguages.Contains(fence.Groups[1].Value.ToLowerInvariant()) && !illustrative)
                result.AddRange(FromBlock(document, lines, start, end));
            i = end;
        }
        return result;
    }

    static string? PreviousNonBlank(string[] lines, int i)
    {
        for (int k = i - 1; k >= 0; k--) if (lines[k].Trim().Length > 0) return lines[k];
        return null;
    }

    /// <summary>The commands of one code block (lines [start, end)), loops unrolled.</summary>
    static IEnumerable<DocumentedCommand> FromBlock(string document, string[] lines, int start, int end)
    {
        // logical lines: continuations joined, comments removed
        var logical = new List<(int Line, string Text)>();
        for (int i = start; i < end; i++)
        {
            int at = i;
            var text = lines[i];
            while (text.TrimEnd().EndsWith('\\') && i + 1 < end) text = text.TrimEnd()[..^1] + " " + lines[++i];
            text = StripComment(text).Trim();
            if (text.Length > 0) logical.Add((at + 1, text));
        }
        for (int k = 0; k < logical.Count; k++)
        {
            var (line, text) = logical[k];
            var loop = Regex.Match(text, @"^for\s+(\w+)\s+in\s+([^;]+);\s*do\s*(.*)$");
            if (!loop.Success)
            {
                if (ToolArgs(text) is { } args) yield return new DocumentedCommand(document, line, text, args);
                continue;
            }
            // for VAR in a b c; do BODY; done  (BODY on the same line or on the lines up to "done")
            var body = new List<(int, string)>();
            var rest = loop.Groups[3].Value.Trim();
            if (Regex.Match(rest, @"^(.*?);?\s*done$") is { Success: true } inline) body.Add((line, inline.Groups[1].Value));
            else
            {
                if (rest.Length > 0) body.Add((line, rest.TrimEnd(';')));
                while (++k < logical.Count && logical[k].Text != "done") body.Add((logical[k].Line, logical[k].Text.TrimEnd(';')));
            }
            foreach (var value in loop.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                foreach (var (bodyLine, bodyText) in body)
                {
                    var expanded = Regex.Replace(bodyText, @"\$\{?" + loop.Groups[1].Value + @"\b\}?", value);
                    if (ToolArgs(expanded) is { } args) yield return new DocumentedCommand(document, bodyLine, expanded, args);
                }
        }
    }

    /// <summary>The tool's arguments when the line calls the tool, else null.</summary>
    static List<string>? ToolArgs(string text)
    {
        var words = Split(text);
        if (words.Count == 0) return null;
        if (words[0] is "$R" or "rareearth") return words.Skip(1).ToList();
        int run = words.FindIndex(w => w == "dotnet");
        if (run >= 0 && run + 1 < words.Count && words[run + 1] == "run" && words.Skip(run).Any(w => w.Contains("RareEarth.Cli")))
        {
            int dashes = words.IndexOf("--", run);
            return dashes < 0 ? new List<string>() : words.Skip(dashes + 1).ToList();
        }
        return null;
    }

    /// <summary>Removes a shell comment: a # at the start or after white space, outside quotes.</summary>
    static string StripComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    /// <summary>
    /// Splits a line into words as a POSIX shell does for simple commands: single and double quotes, backslash escapes.
    /// Output redirections (<c>&gt; FILE</c>) are dropped. An unquoted <c>*</c> becomes <see cref="Glob"/>.
    /// </summary>
    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\'')
            {
                int close = line.IndexOf('\'', i + 1);
                if (close < 0) throw new FormatException($"unclosed ' in: {line}");
                word.Append(line, i + 1, close - i - 1); i = close; inWord = true;
            }
            else if (c == '"')
            {
                int k = i + 1;
                for (; k < line.Length && line[k] != '"'; k++)
                    if (line[k] == '\\' && k + 1 < line.Length && line[k + 1] is '"' or '\\' or '$') word.Append(line[++k]);
                    else word.Append(line[k]);
                if (k >= line.Length) throw new FormatException($"unclosed \" in: {line}");
                i = k; inWord = true;
            }
            else if (c == '\\' && i + 1 < line.Length) { word.Append(line[++i]); inWord = true; }
            else if (char.IsWhiteSpace(c)) { if (inWord) words.Add(word.ToString()); word.Clear(); inWord = false; }
            else { word.Append(c == '*' ? Glob : c); inWord = true; }
        }
        if (inWord) words.Add(word.ToString());
        // drop redirections: "> FILE", ">FILE", "2>&1", "2> FILE"
        var kept = new List<string>();
        for (int i = 0; i < words.Count; i++)
        {
            if (Regex.IsMatch(words[i], @"^\d?>>?$")) { i++; continue; }
            if (Regex.IsMatch(words[i], @"^\d?>>?.+")) continue;
            kept.Add(words[i]);
        }
        return kept;
    }

    /// <summary>
    /// The same command made small: batches of at most <paramref name="runs"/> runs (sobol designs: 2 base samples, i.e.
    /// 2·(d+2) runs), sweeps of at most three points per axis with at most two replications, <c>serve</c> as its
    /// <c>--check</c> (start, serve every scenario once, stop) and, unless <paramref name="charts"/>, runs without charts.
    /// </summary>
    public static List<string> Small(IReadOnlyList<string> args, bool charts = true, int runs = 8)
    {
        var small = args.ToList();
        if (small.Contains("sobol")) runs = 2;
        if (!charts && small.FirstOrDefault() == "run" && !small.Contains("--no-charts")) small.Add("--no-charts");
        if (small.FirstOrDefault() == "serve" && !small.Contains("--check")) small.Add("--check"); // serve until Ctrl-C: its self-test instead
        for (int i = 0; i + 1 < small.Count; i++)
        {
            string value = small[i + 1];
            switch (small[i])
            {
                case "--runs" when int.TryParse(value, out int n) && n > runs: small[i + 1] = runs.ToString(CultureInfo.InvariantCulture); break;
                case "--runs-per-point" when int.TryParse(value, out int r) && r > 2: small[i + 1] = "2"; break;
                case "--param": small[i + 1] = ThreePoints(value); break;
            }
        }
        return small;
    }

    static string ThreePoints(string axis)
    {
        var m = Regex.Match(axis, @"^(.+)=([^:]+):([^:]+):([^:]+)$");
        if (!m.Success) return axis;
        var inv = CultureInfo.InvariantCulture;
        if (!decimal.TryParse(m.Groups[2].Value, NumberStyles.Float, inv, out var from) || !decimal.TryParse(m.Groups[3].Value, NumberStyles.Float, inv, out var to)
            || !decimal.TryParse(m.Groups[4].Value, NumberStyles.Float, inv, out var step) || step <= 0 || (to - from) / step <= 2) return axis;
        return $"{m.Groups[1].Value}={from.ToString(inv)}:{to.ToString(inv)}:{((to - from) / 2).ToString(inv)}";
    }
}
