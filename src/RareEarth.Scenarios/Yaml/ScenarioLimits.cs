namespace RareEarth.Scenarios.Yaml;

/// <summary>
/// Input limits of scenario text (docs/scenarios.md, "Input limits"). They are far above what a real scenario
/// needs (the largest shipped file, world/world-2024.yaml, is 23 KB: about 1,700 nodes, 6 levels deep) and keep hostile input
/// (huge files, alias bombs, deep nesting) from exhausting memory or the stack.
/// </summary>
public static class ScenarioLimits
{
    /// <summary>Largest scenario file read, in bytes (1 MiB); checked before the file is opened.</summary>
    public const int MaxFileBytes = 1024 * 1024;
    /// <summary>Deepest nesting of mappings and lists (the top-level mapping is level 1).</summary>
    public const int MaxDepth = 64;
    /// <summary>Most nodes (keys, values, mappings, lists) in one document, aliases counted as the copies they expand to.</summary>
    public const int MaxNodes = 100_000;
    /// <summary>Longest key (an id or a parameter name), in characters.</summary>
    public const int MaxKeyLength = 100;
    /// <summary>Longest text value, in characters.</summary>
    public const int MaxValueLength = 10_000;
    /// <summary>Most files in an <c>extends</c> chain, the scenario itself included.</summary>
    public const int MaxExtendsChain = 8;
}
