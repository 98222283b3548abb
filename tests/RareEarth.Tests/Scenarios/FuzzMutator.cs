using System.Text;

namespace RareEarth.Tests.Scenarios;

/// <summary>
/// Deterministic mutations of corpus inputs for the in-process fuzz loop: bit flips, interesting bytes, deleted and
/// duplicated ranges, splices of two inputs, YAML tokens (brackets, anchors, aliases, document markers), hostile
/// numbers in place of numbers, swapped lines and extra <c>--set</c> lines.
/// </summary>
public sealed class FuzzMutator(int seed, IReadOnlyList<byte[]> corpus)
{
    readonly Random _rng = new(seed);

    static readonly byte[] Interesting = "\0\t\n\r []{}:-&*\"'#|>!%\\,?~@`\u001b\u007f"u8.ToArray().Append((byte)0xC3).Append((byte)0xFF).ToArray();

    static readonly string[] Tokens =
    {
        "[", "]", "{", "}", "[[[[[[[[", "{a: {b: {c: ", "&a ", "*a", "&a [*a, *a, *a]", "*nope", "---\n", "...\n", "\t", ": ", "- ",
        "? ", "!!str ", "!!binary ", "%YAML 1.2\n", "\"\\0\"", "\"\\e[31m\"", "'", "\"", "|\n  ", ">-\n  ", "# c\n", "\n  ",
        "extends: world/world-2024.yaml\n", "extends: /dev/zero\n", "extends: fuzz-input.yaml\n", "\n#--set\n", "<<: *a\n",
        "month: 2025-13", "2024-01", "all", "null", "~", "true", "[]", "{}", "\u202E", "\uFEFF",
    };

    static readonly string[] Numbers =
    {
        "-1", "0", "-0", "1e308", "-1e308", "1e-320", "1e999", "NaN", ".nan", ".inf", "-.inf", "99999999999999999999",
        "2147483648", "-2147483649", "0x10", "1_000", "0.0000001", "1200", "1201", "12", "3.5",
    };

    static readonly string[] Sets =
    {
        "events=[]", "events.0.month=2099-01", "events.0=~", "countries.JP.hoarding_gain=1e308", "countries.JP=[]",
        "firms.cn_mine.capacity=-5", "materials.oxide.min_price=1e9", "uncertain={}", "name=", "end=2020-02", "start=1999-12",
        "a.b.c.d.e=1", "events.99.month=2020-01", "events.-1=1", "price_regions=[]", "materials={}", "name=&x [*x]",
    };

    public byte[] Next()
    {
        var data = new List<byte>(corpus[_rng.Next(corpus.Count)]);
        int ops = _rng.Next(4) == 0 ? 2 + _rng.Next(3) : 1; // mostly one change, so many inputs stay close to valid
        for (int i = 0; i < ops; i++) Mutate(data);
        if (data.Count > 256 * 1024) data.RemoveRange(256 * 1024, data.Count - 256 * 1024);
        return data.ToArray();
    }

    void Mutate(List<byte> d)
    {
        int at = d.Count == 0 ? 0 : _rng.Next(d.Count);
        switch (_rng.Next(9))
        {
            case 0 when d.Count > 0: d[at] ^= (byte)(1 << _rng.Next(8)); break;
            case 1 when d.Count > 0: d[at] = Interesting[_rng.Next(Interesting.Length)]; break;
            case 2 when d.Count > 0: d.RemoveRange(at, Math.Min(1 + _rng.Next(32), d.Count - at)); break;
            case 3 when d.Count > 0:
                var copy = d.GetRange(at, Math.Min(1 + _rng.Next(64), d.Count - at));
                d.InsertRange(_rng.Next(d.Count + 1), copy);
                break;
            case 4: d.InsertRange(LineStartOrAnywhere(d, at), Encoding.UTF8.GetBytes(Tokens[_rng.Next(Tokens.Length)])); break;
            case 5:
                var other = corpus[_rng.Next(corpus.Count)];
                int from = other.Length == 0 ? 0 : _rng.Next(other.Length);
                d.RemoveRange(at, d.Count - at);
                d.AddRange(other.AsSpan(from).ToArray());
                break;
            case 6: ReplaceNumber(d, at); break;
            case 7: SwapLines(d); break;
            default: d.AddRange(Encoding.UTF8.GetBytes($"\n#--set\n{Sets[_rng.Next(Sets.Length)]}\n")); break;
        }
    }

    int LineStartOrAnywhere(List<byte> d, int at)
    {
        if (_rng.Next(2) == 0) return at;
        while (at > 0 && d[at - 1] != '\n') at--;
        return at;
    }

    void ReplaceNumber(List<byte> d, int at)
    {
        int start = -1;
        for (int i = 0; i < d.Count; i++)
            if (d[(at + i) % d.Count] is >= (byte)'0' and <= (byte)'9') { start = (at + i) % d.Count; break; }
        if (start < 0) return;
        while (start > 0 && d[start - 1] is >= (byte)'0' and <= (byte)'9' or (byte)'.') start--;
        int end = start;
        while (end < d.Count && d[end] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'-') end++;
        d.RemoveRange(start, end - start);
        d.InsertRange(start, Encoding.UTF8.GetBytes(Numbers[_rng.Next(Numbers.Length)]));
    }

    void SwapLines(List<byte> d)
    {
        var lines = Encoding.UTF8.GetString(d.ToArray()).Split('\n');
        if (lines.Length < 2) return;
        int a = _rng.Next(lines.Length), b = _rng.Next(lines.Length);
        (lines[a], lines[b]) = (lines[b], lines[a]);
        d.Clear();
        d.AddRange(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }
}
