using System.Globalization;

namespace RareEarth.Scenarios.Yaml;

public enum YKind { Scalar, Map, Seq }

/// <summary>
/// A YAML node that remembers where it came from (file, line, column), so every validation error
/// can point at the text the user wrote, even after files are merged and overridden.
/// </summary>
public sealed class YNode
{
    public YKind Kind { get; private init; }
    public string? Value { get; set; }
    public bool Quoted { get; private init; }
    public List<KeyValuePair<string, YNode>> Entries { get; } = new();
    public List<YNode> Items { get; } = new();
    public required string File { get; set; }
    public int Line { get; set; }
    public int Column { get; set; }

    public static YNode Scalar(string? value, string file, int line, int col, bool quoted = false) =>
        new() { Kind = YKind.Scalar, Value = value, File = file, Line = line, Column = col, Quoted = quoted };
    public static YNode NewMap(string file, int line, int col) => new() { Kind = YKind.Map, File = file, Line = line, Column = col };
    public static YNode NewSeq(string file, int line, int col) => new() { Kind = YKind.Seq, File = file, Line = line, Column = col };

    public bool IsNull => Kind == YKind.Scalar && !Quoted && (Value is null || Value == "~" || Value == "null" || Value == "");

    public YNode? Get(string key)
    {
        foreach (var kv in Entries) if (kv.Key == key) return kv.Value;
        return null;
    }

    public void Set(string key, YNode value)
    {
        for (int i = 0; i < Entries.Count; i++)
            if (Entries[i].Key == key) { Entries[i] = new(key, value); return; }
        Entries.Add(new(key, value));
    }

    public bool Remove(string key) => Entries.RemoveAll(kv => kv.Key == key) > 0;

    public string Where => $"{File}:{Line}:{Column}";

    /// <summary>Short description of what the node holds, for "found ..." in error messages (long text cut, control characters escaped).</summary>
    public string Describe() => Kind switch
    {
        YKind.Map => "a mapping",
        YKind.Seq => "a list",
        _ => IsNull ? "nothing" : $"'{TextSafety.Excerpt(Value!)}'",
    };

    /// <summary>A new node with the same children (the lists are copied, the children are shared).</summary>
    public YNode ShallowClone()
    {
        var n = new YNode { Kind = Kind, Value = Value, Quoted = Quoted, File = File, Line = Line, Column = Column };
        n.Entries.AddRange(Entries);
        n.Items.AddRange(Items);
        return n;
    }

    /// <summary>A copy of the whole subtree.</summary>
    public YNode DeepClone()
    {
        var n = new YNode { Kind = Kind, Value = Value, Quoted = Quoted, File = File, Line = Line, Column = Column };
        foreach (var kv in Entries) n.Entries.Add(new(kv.Key, kv.Value.DeepClone()));
        foreach (var it in Items) n.Items.Add(it.DeepClone());
        return n;
    }

    /// <summary>Plain objects (dictionaries, lists, strings, numbers) for serialisation.</summary>
    public object? ToPlain()
    {
        switch (Kind)
        {
            case YKind.Map:
                var d = new Dictionary<string, object?>();
                foreach (var kv in Entries) d[kv.Key] = kv.Value.ToPlain();
                return d;
            case YKind.Seq:
                return Items.Select(i => i.ToPlain()).ToList();
            default:
                if (IsNull) return null;
                if (!Quoted && double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)) return x;
                if (!Quoted && (Value == "true" || Value == "false")) return Value == "true";
                return Value;
        }
    }

    /// <summary>
    /// Parses YAML text (one document) into nodes within the <see cref="ScenarioLimits"/>. Problems are returned as
    /// errors, never thrown; the result is null if the text could not be read.
    /// </summary>
    public static YNode? Parse(string text, string file, List<ScenarioError> errors) => YamlReader.Parse(text, file, errors);
}
