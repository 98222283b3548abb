using System.Globalization;
using System.Text;

namespace RareEarth.Scenarios.Yaml;

/// <summary>
/// Which characters scenario text may hold, and how text is shown in messages. Names and ids reach the terminal,
/// the results store and file names, so control characters (NUL, ANSI escapes, C1 controls) and bidirectional
/// overrides are refused, and anything echoed in a message has them escaped.
/// </summary>
public static class TextSafety
{
    /// <summary>A character YAML allows in a file (tab, line breaks and the printable set), surrogates checked separately.</summary>
    public static bool IsYamlPrintable(char c) =>
        c is '\t' or '\n' or '\r' or '\u0085' || (c >= ' ' && c <= '~') || (c >= '\u00A0' && c <= '\uFFFD');

    /// <summary>A character that may not appear in a value: C0 and C1 controls (tab and line feed excepted), DEL, bidi overrides.</summary>
    public static bool IsUnsafe(char c, bool allowLayout) =>
        (c < ' ' && !(allowLayout && c is '\t' or '\n')) || (c >= '\u007F' && c <= '\u009F')
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c is '\uFFFE' or '\uFFFF';

    /// <summary>Index of the first character of <paramref name="s"/> not allowed in a value (or a key: no tab or line feed either), or -1.</summary>
    public static int FirstUnsafe(string s, bool allowLayout)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (IsUnsafe(c, allowLayout)) return i;
            if (char.IsHighSurrogate(c) && (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))) return i;
            if (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1]))) return i;
        }
        return -1;
    }

    /// <summary>"U+001B (escape)" for a message.</summary>
    public static string Name(char c) => c switch
    {
        '\0' => "U+0000 (NUL)",
        '\u001B' => "U+001B (escape)",
        '\t' => "U+0009 (tab)",
        '\n' => "U+000A (line feed)",
        '\r' => "U+000D (carriage return)",
        _ => $"U+{(int)c:X4}",
    };

    /// <summary>The text with every character a terminal would act on written as \uXXXX (tab, line feed included).</summary>
    public static string Escape(string s)
    {
        if (FirstUnsafe(s, allowLayout: false) < 0) return s;
        var sb = new StringBuilder(s.Length + 16);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool lone = (char.IsHighSurrogate(c) && (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])))
                        || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1])));
            if (IsUnsafe(c, allowLayout: false) || lone) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Escaped and cut to <paramref name="max"/> characters, for echoing a value the user wrote.</summary>
    public static string Excerpt(string s, int max = 60) => Escape(s.Length <= max ? s : s[..max] + "...");
}
