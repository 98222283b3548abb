using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RareEarth.Scenarios.Yaml;

/// <summary>
/// Builds a <see cref="YNode"/> tree from YamlDotNet's parser events, one event at a time and without recursion,
/// so hostile text is stopped by the <see cref="ScenarioLimits"/> before it costs memory or stack: nesting depth
/// is checked when a mapping or list opens, the node count (aliases counted as the copies they expand to) before
/// an alias is copied. Only one document per text; every problem is an error with file, line and column.
/// </summary>
internal sealed class YamlReader
{
    /// <summary>An open mapping or list; for a mapping, the key waiting for its value.</summary>
    sealed class Frame(YNode node, string path, string? anchor)
    {
        public readonly YNode Node = node;
        public readonly string Path = path;
        public readonly string? Anchor = anchor;
        public int Height = 1, Size = 1;
        public string? Key;
    }

    readonly string _file;
    readonly List<ScenarioError> _errors;
    readonly List<Frame> _open = new();
    readonly Dictionary<string, (YNode Node, int Height, int Size)> _anchors = new();
    int _nodes, _documents;
    YNode? _root;

    YamlReader(string file, List<ScenarioError> errors) { _file = file; _errors = errors; }

    public static YNode? Parse(string text, string file, List<ScenarioError> errors)
    {
        if (!CheckCharacters(text, file, errors)) return null;
        var reader = new YamlReader(file, errors);
        var parser = new Parser(new StringReader(text));
        int line = 1, column = 1; // where the last event started
        while (true)
        {
            ParsingEvent e;
            try
            {
                if (!parser.MoveNext()) break;
                e = parser.Current!;
            }
            catch (Exception ex) // YamlDotNet throws YamlException and, for some broken text, InvalidOperationException
            {
                errors.Add(SyntaxError(ex, text, file, line, column));
                return null;
            }
            (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            if (!reader.Add(e)) return null;
        }
        return reader._root ?? YNode.NewMap(file, 1, 1);
    }

    bool Add(ParsingEvent e)
    {
        int line = (int)e.Start.Line, col = (int)e.Start.Column;
        switch (e)
        {
            case DocumentStart when ++_documents > 1:
                return Fail(line, col, "", "a scenario file holds one YAML document; a second one starts here (remove the '---' and what follows, or move it to its own file)");
            case Scalar s:
                if (!Count(1, line, col)) return false;
                var scalar = YNode.Scalar(s.Value, _file, line, col, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
                if (!s.Anchor.IsEmpty) _anchors[s.Anchor.Value] = (scalar, 1, 1);
                return Place(scalar, 1, 1, fromText: true);
            case SequenceStart ss:
                return Open(YNode.NewSeq(_file, line, col), ss.Anchor);
            case MappingStart ms:
                return Open(YNode.NewMap(_file, line, col), ms.Anchor);
            case SequenceEnd or MappingEnd:
                var f = _open[^1];
                _open.RemoveAt(_open.Count - 1);
                if (f.Key is not null) return Fail(line, col, f.Path, "YAML syntax: a key without a value");
                if (f.Anchor is not null) _anchors[f.Anchor] = (f.Node, f.Height, f.Size);
                return Place(f.Node, f.Height, f.Size, fromText: false);
            case AnchorAlias a:
                if (!_anchors.TryGetValue(a.Value.Value, out var target))
                    return Fail(line, col, ChildPath(), $"alias *{a.Value.Value} refers to no anchor (&{a.Value.Value}) defined before it");
                if (_open.Count + target.Height > ScenarioLimits.MaxDepth) return DepthError(line, col);
                if (!Count(target.Size, line, col)) return false;
                return Place(target.Node.DeepClone(), target.Height, target.Size, fromText: false);
            default: // stream start and end, document start and end, comments
                return true;
        }
    }

    bool Open(YNode node, AnchorName anchor)
    {
        if (_open.Count + 1 > ScenarioLimits.MaxDepth) return DepthError(node.Line, node.Column);
        if (!Count(1, node.Line, node.Column)) return false;
        _open.Add(new Frame(node, ChildPath(), anchor.IsEmpty ? null : anchor.Value));
        return true;
    }

    /// <summary>Puts a finished node into the open mapping (as a key or a value) or list, or makes it the document.</summary>
    bool Place(YNode node, int height, int size, bool fromText)
    {
        if (_open.Count == 0) { _root = node; return true; }
        var top = _open[^1];
        top.Height = Math.Max(top.Height, height + 1);
        top.Size += size;
        if (top.Node.Kind == YKind.Seq)
        {
            if (fromText) CheckValue(node, $"{Prefix(top.Path)}{top.Node.Items.Count}");
            top.Node.Items.Add(node);
            return true;
        }
        if (top.Key is null)
        {
            if (node.Kind != YKind.Scalar)
                return Fail(node.Line, node.Column, top.Path, $"a key must be text, found {node.Describe()}");
            top.Key = node.Value ?? "";
            CheckKey(node, top.Key, top.Path);
            return true;
        }
        var key = top.Key;
        top.Key = null;
        if (fromText) CheckValue(node, Prefix(top.Path) + key);
        var first = top.Node.Get(key);
        if (first is not null)
            Error(node.Line, node.Column, "", $"Duplicate key {key}: it already appears in this mapping (value on line {first.Line})");
        top.Node.Set(key, node);
        return true;
    }

    void CheckKey(YNode at, string key, string path)
    {
        int bad = TextSafety.FirstUnsafe(key, allowLayout: false);
        if (bad >= 0) Error(at.Line, at.Column, path, $"key '{TextSafety.Excerpt(key)}' holds {TextSafety.Name(key[bad])}; keys are plain text");
        else if (key.Length > ScenarioLimits.MaxKeyLength)
            Error(at.Line, at.Column, path, $"key '{TextSafety.Excerpt(key)}' has {key.Length:N0} characters; the limit is {ScenarioLimits.MaxKeyLength} characters");
    }

    void CheckValue(YNode node, string path)
    {
        if (node.Kind != YKind.Scalar || node.Value is null) return;
        int bad = TextSafety.FirstUnsafe(node.Value, allowLayout: true);
        if (bad >= 0)
            Error(node.Line, node.Column, path, $"text holds {TextSafety.Name(node.Value[bad])}; control characters are not allowed in scenario text");
        else if (node.Value.Length > ScenarioLimits.MaxValueLength)
            Error(node.Line, node.Column, path, $"text of {node.Value.Length:N0} characters; the limit is {ScenarioLimits.MaxValueLength:N0}");
    }

    string ChildPath()
    {
        if (_open.Count == 0) return "";
        var top = _open[^1];
        if (top.Node.Kind == YKind.Seq) return Prefix(top.Path) + top.Node.Items.Count.ToString(CultureInfo.InvariantCulture);
        return top.Key is null ? top.Path : Prefix(top.Path) + top.Key;
    }

    static string Prefix(string path) => path.Length == 0 ? "" : path + ".";

    bool Count(int nodes, int line, int col)
    {
        _nodes += nodes;
        if (_nodes <= ScenarioLimits.MaxNodes) return true;
        return Fail(line, col, ChildPath(), $"the document grows past {ScenarioLimits.MaxNodes:N0} nodes here (aliases count as the copies they make); that is the limit");
    }

    bool DepthError(int line, int col) =>
        Fail(line, col, ChildPath(), $"nesting deeper than {ScenarioLimits.MaxDepth} levels of mappings and lists; that is the limit");

    void Error(int line, int col, string path, string message) => _errors.Add(new ScenarioError(_file, line, col, path, message));

    bool Fail(int line, int col, string path, string message)
    {
        Error(line, col, path, message);
        return false;
    }

    /// <summary>Refuses characters YAML does not allow in a file (NUL, raw control characters), at their line and column.</summary>
    static bool CheckCharacters(string text, string file, List<ScenarioError> errors)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') { line++; lineStart = i + 1; continue; }
            bool ok = char.IsSurrogate(c)
                ? char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[++i]) : false
                : TextSafety.IsYamlPrintable(c);
            if (ok) continue;
            string what = c == '\0' ? "a NUL character (U+0000): this looks like a binary file, not YAML text" : $"{TextSafety.Name(c)} is not allowed in YAML text";
            errors.Add(new ScenarioError(file, line, i - lineStart + 1, "", what));
            return false;
        }
        return true;
    }

    /// <summary>
    /// A parser exception as an error. YamlDotNet reports a tab in the indentation at 1:1 and some unclosed brackets as
    /// an InvalidOperationException without a position: those are placed at the tab, or at the last event read.
    /// </summary>
    static ScenarioError SyntaxError(Exception ex, string text, string file, int lastLine, int lastColumn)
    {
        string message = ex is YamlException y ? (y.InnerException as YamlException ?? y).Message
            : "the text cannot be read from here on (an unclosed bracket, brace or quote?)";
        int line = lastLine, col = lastColumn;
        if (ex is YamlException ye && ye.Start.Line >= lastLine && !(ye.Start.Line == 1 && ye.Start.Column == 1 && ye.Start.Index == 0))
            (line, col) = ((int)ye.Start.Line, (int)ye.Start.Column);
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindIndentTab(text, lastLine) is { } tab) (line, col) = tab;
        return new ScenarioError(file, Math.Max(line, 1), Math.Max(col, 1), "", $"YAML syntax: {message}");
    }

    /// <summary>The first tab in the indentation of a line at or after <paramref name="fromLine"/>.</summary>
    static (int Line, int Column)? FindIndentTab(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (int l = Math.Max(fromLine, 1) - 1; l < lines.Length; l++)
            for (int c = 0; c < lines[l].Length && lines[l][c] is ' ' or '\t'; c++)
                if (lines[l][c] == '\t') return (l + 1, c + 1);
        return null;
    }
}
