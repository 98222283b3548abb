using System.Security.Cryptography;
using System.Text;

namespace RareEarth.Scenarios.Yaml;

/// <summary>A scenario after <c>extends</c> and overrides: one merged node tree plus what it came from.</summary>
public sealed class ScenarioDocument
{
    public required YNode Root { get; init; }
    /// <summary>The files read, the scenario first, then what it extends.</summary>
    public required IReadOnlyList<string> Files { get; init; }
    /// <summary>Overrides applied, as given (path=value).</summary>
    public required IReadOnlyList<string> Overrides { get; init; }

    /// <summary>The resolved scenario as YAML text (after extends and overrides).</summary>
    public string ToYaml() =>
        new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(Root.ToPlain());

    /// <summary>SHA-256 of the resolved YAML: two runs with the same hash ran the same scenario.</summary>
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToYaml()))).ToLowerInvariant()[..16];

    /// <summary>
    /// A copy with further overrides applied (for sampled or swept runs). Only the nodes on the overridden paths are
    /// copied; the rest is shared with this document, which stays unchanged (documents are read-only once loaded).
    /// </summary>
    public ScenarioDocument With(IEnumerable<KeyValuePair<string, string>> overrides, List<ScenarioError> errors)
    {
        var root = Root.ShallowClone();
        var copied = new HashSet<YNode>(ReferenceEqualityComparer.Instance) { root };
        var applied = new List<string>(Overrides);
        foreach (var (path, value) in overrides)
        {
            CopyPath(root, path, copied);
            ScenarioLoader.ApplyOverride(root, path, value, errors);
            applied.Add($"{path}={value}");
        }
        return new ScenarioDocument { Root = root, Files = Files, Overrides = applied };
    }

    /// <summary>Replaces every shared node on a dotted path below <paramref name="root"/> (itself a copy) by a shallow copy.</summary>
    static void CopyPath(YNode root, string path, HashSet<YNode> copied)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            YNode? child = null;
            if (node.Kind == YKind.Map)
            {
                child = node.Get(part);
                if (child is null) return;
                if (!copied.Contains(child)) { child = child.ShallowClone(); copied.Add(child); node.Set(part, child); }
            }
            else if (node.Kind == YKind.Seq && int.TryParse(part, out int i) && i >= 0 && i < node.Items.Count)
            {
                child = node.Items[i];
                if (!copied.Contains(child)) { child = child.ShallowClone(); copied.Add(child); node.Items[i] = child; }
            }
            else return;
            node = child;
        }
    }
}

/// <summary>Reads scenario files: parses YAML, follows <c>extends</c>, merges, applies <c>--set</c> overrides.</summary>
public static class ScenarioLoader
{
    /// <summary>Loads a scenario file. Problems are added to <paramref name="errors"/>; the result is null if the text could not be read at all.</summary>
    public static ScenarioDocument? Load(string path, IEnumerable<string> overrides, List<ScenarioError> errors)
    {
        var files = new List<string>();
        var root = LoadWithExtends(Path.GetFullPath(path), files, errors, new HashSet<string>());
        if (root is null) return null;
        var applied = new List<string>();
        foreach (var o in overrides)
        {
            int eq = o.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(new ScenarioError("--set", 1, 1, o, "expected path=value, e.g. countries.CN.hoarding_gain=1.5"));
                continue;
            }
            ApplyOverride(root, o[..eq].Trim(), o[(eq + 1)..], errors);
            applied.Add(o);
        }
        return new ScenarioDocument { Root = root, Files = files, Overrides = applied };
    }

    static YNode? LoadWithExtends(string fullPath, List<string> files, List<ScenarioError> errors, HashSet<string> chain)
    {
        string display = DisplayPath(fullPath);
        if (!File.Exists(fullPath))
        {
            errors.Add(new ScenarioError(display, 0, 0, "", "file not found"));
            return null;
        }
        if (!chain.Add(fullPath))
        {
            errors.Add(new ScenarioError(display, 1, 1, "extends", "extends forms a cycle"));
            return null;
        }
        files.Add(display);
        var node = YNode.Parse(File.ReadAllText(fullPath), display, errors);
        if (node is null) return null;
        if (node.Kind != YKind.Map)
        {
            errors.Add(new ScenarioError(display, node.Line, node.Column, "", $"a scenario must be a mapping of keys, found {node.Describe()}"));
            return null;
        }
        var ext = node.Get("extends");
        if (ext is null) return node;
        node.Remove("extends");
        if (ext.Kind != YKind.Scalar || ext.IsNull)
        {
            errors.Add(new ScenarioError(display, ext.Line, ext.Column, "extends", $"expected a file path, found {ext.Describe()}"));
            return node;
        }
        var parentPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(fullPath)!, ext.Value!));
        if (!File.Exists(parentPath))
        {
            errors.Add(new ScenarioError(display, ext.Line, ext.Column, "extends", $"file '{ext.Value}' not found (looked for {DisplayPath(parentPath)})"));
            return node;
        }
        var parent = LoadWithExtends(parentPath, files, errors, chain);
        if (parent is null) return node;
        Merge(parent, node);
        return parent;
    }

    /// <summary>Deep merge: mappings merge key by key, anything else in the child replaces the parent's.</summary>
    public static void Merge(YNode into, YNode from)
    {
        // a mapping the child touches is reported at the child's position: that is where the user edits it
        into.File = from.File; into.Line = from.Line; into.Column = from.Column;
        foreach (var (key, value) in from.Entries)
        {
            var existing = into.Get(key);
            if (existing is not null && existing.Kind == YKind.Map && value.Kind == YKind.Map) Merge(existing, value);
            else into.Set(key, value);
        }
    }

    /// <summary>Sets the node at a dotted path (map keys or list indexes) to a YAML value.</summary>
    public static void ApplyOverride(YNode root, string path, string value, List<ScenarioError> errors)
    {
        var parts = path.Split('.');
        var valueErrors = new List<ScenarioError>();
        var parsed = YNode.Parse(value, $"--set {path}", valueErrors);
        if (parsed is null || valueErrors.Count > 0)
        {
            errors.AddRange(valueErrors.Select(e => e with { Path = path }));
            return;
        }
        var node = root;
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            bool last = i == parts.Length - 1;
            if (node.Kind == YKind.Map)
            {
                var child = node.Get(part);
                if (last) { node.Set(part, parsed); return; }
                if (child is null)
                {
                    errors.Add(new ScenarioError("--set", 1, 1, path,
                        $"no key '{part}' under '{string.Join('.', parts[..i])}'" + Suggest.For(part, node.Entries.Select(e => e.Key))));
                    return;
                }
                node = child;
            }
            else if (node.Kind == YKind.Seq && int.TryParse(part, out int idx) && idx >= 0 && idx < node.Items.Count)
            {
                if (last) { node.Items[idx] = parsed; return; }
                node = node.Items[idx];
            }
            else
            {
                errors.Add(new ScenarioError("--set", 1, 1, path, $"'{string.Join('.', parts[..i])}' is {node.Describe()}, cannot descend into '{part}'"));
                return;
            }
        }
    }

    static string DisplayPath(string fullPath)
    {
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return rel.StartsWith("..") ? fullPath : rel;
    }
}

/// <summary>"Did you mean" suggestions for misspelt keys and ids.</summary>
public static class Suggest
{
    public static string For(string wrong, IEnumerable<string> candidates)
    {
        string? best = null; int bestD = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Distance(wrong.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestD) { bestD = d; best = c; }
        }
        return best is not null && bestD <= Math.Max(2, wrong.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
