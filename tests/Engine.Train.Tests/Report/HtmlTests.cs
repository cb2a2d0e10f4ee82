using Engine.Train.Report;
using NUnit.Framework;

namespace Engine.Train.Tests.Report;

[TestFixture]
[Category("Report")]
public class HtmlTests
{
    [Test]
    public void EscapingKeepsMarkupWellFormed()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Html.Escape("a<b & \"c\" 'd'>"), Is.EqualTo("a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"));
            Assert.That(Html.Escape("bell\u0007 nul\0 tab\t"), Is.EqualTo("bell\uFFFD nul\uFFFD tab\t"), "XML forbids C0 controls");
            Assert.That(Html.Escape("θ 😀"), Is.EqualTo("θ 😀"), "surrogate pairs pass");
            Assert.That(Html.Fixed(0.1234, 2), Is.EqualTo("0.12"));
            Assert.That(Html.Fixed(double.NaN, 2), Is.EqualTo("–"));
        });
    }

    [Test]
    public void StatsUseTheSampleStandardDeviationAndSkipUndefinedValues()
    {
        var s = Stats.Of([1, 2, 4, double.NaN]);
        Assert.Multiple(() =>
        {
            Assert.That(s.Count, Is.EqualTo(3));
            Assert.That(s.Mean, Is.EqualTo(7.0 / 3).Within(1e-15));
            // deviations −4/3, −1/3, 5/3: squares sum to 42/9, over n − 1 = 2.
            Assert.That(s.Std, Is.EqualTo(Math.Sqrt(42.0 / 9 / 2)).Within(1e-15));
            Assert.That((s.Min, s.Max), Is.EqualTo((1.0, 4.0)));
            Assert.That(Stats.Of([0.5]).Std, Is.Zero);
            Assert.That(Stats.Of([]).Mean, Is.NaN);
        });
    }
}
