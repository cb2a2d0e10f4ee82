using System.Globalization;
using System.Text;

namespace Engine.Train.Report;

/// <summary>Text and number formatting for the page: XML/HTML escaping and invariant numbers.</summary>
public static class Html
{
    /// <summary>
    /// Escapes &amp; &lt; &gt; " ' for use in XML/HTML text and attribute values. Characters that XML 1.0 forbids
    /// (C0 controls other than tab, newline and carriage return; lone surrogates) become U+FFFD, so a stray control
    /// character in an error message cannot make the page malformed.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        sb.Append('\uFFFD');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A value for people: <paramref name="decimals"/> fixed decimals, "–" when undefined.</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "–";
}
