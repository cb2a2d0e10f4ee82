using Engine.Train.Llm.Analysis;
using Engine.Train.Llm.Prompts;
using NUnit.Framework;

namespace Engine.Train.Tests.Llm.Analysis;

/// <summary>A prompt tokenised one character per token after a BOS (token 0, no text), with hand-built vectors whose
/// figures are known.</summary>
[TestFixture]
[Category("Llm")]
public class PromptAnalysisTests
{
    private static readonly AnalogyPrompt Prompt = AnalogyPromptGenerator.Generate(new AnalogyPromptSettings(3, 2, Seed: 11), 0L);

    /// <summary>BOS, then one token per character: token t + 1 is character t.</summary>
    private static List<TextSpan> CharacterTokens(string text) => [new TextSpan(0, 0), .. text.Select((_, i) => new TextSpan(i, 1))];

    [Test]
    public void LastDigitModeTakesTheDigitOfTheLastOccurrenceAndMeanModeItsWholeMarker()
    {
        var tokens = CharacterTokens(Prompt.Text);
        var last = new PromptPositions(Prompt, tokens, EntityVectorMode.LastDigit);
        var mean = new PromptPositions(Prompt, tokens, EntityVectorMode.Mean);
        foreach (var entity in Prompt.Category1.Concat(Prompt.Category2))
        {
            var marker = Prompt.Text.LastIndexOf(entity.Marker, StringComparison.Ordinal);
            Assert.That(last.Entity(entity), Is.EqualTo(new[] { marker + 2 + 1 }), entity.Marker);
            Assert.That(mean.Entity(entity), Is.EqualTo(Enumerable.Range(marker + 1, entity.Marker.Length)), entity.Marker);
        }
        var tildes = Prompt.Text.Select((c, i) => (c, i)).Where(p => p.c == '~').Select(p => p.i + 1);
        Assert.That(last.Tildes, Is.EqualTo(tildes));
    }

    [Test]
    public void AMultiDigitNumberInOneTokenOrSplitGivesItsLastDigitToken()
    {
        // K = 7: category 1 has two-digit numbers; tokenise "<", "e", each digit and ">" apart, or the digits as one token.
        var prompt = AnalogyPromptGenerator.Generate(new AnalogyPromptSettings(7, 3, Seed: 1), 0L);
        var entity = prompt.Category1.First(e => e.Number >= 10);
        var occurrence = prompt.LastOccurrence(entity);
        var split = CharacterTokens(prompt.Text);
        Assert.That(new PromptPositions(prompt, split, EntityVectorMode.LastDigit).Entity(entity), Is.EqualTo(new[] { occurrence.Digits.Start + 1 + 1 }));
        var grouped = new List<TextSpan>();
        for (var i = 0; i < prompt.Text.Length; i++)
        {
            var run = prompt.Occurrences.FirstOrDefault(o => o.Digits.Start == i && o.Digits.Length > 1);
            if (run.Digits.Length > 1)
            {
                grouped.Add(run.Digits);
                i = run.Digits.End - 1;
            }
            else
            {
                grouped.Add(new TextSpan(i, 1));
            }
        }
        var token = grouped.FindIndex(s => s == occurrence.Digits);
        Assert.That(new PromptPositions(prompt, grouped, EntityVectorMode.LastDigit).Entity(entity), Is.EqualTo(new[] { token }));
        Assert.That(new PromptPositions(prompt, grouped, EntityVectorMode.Mean).Entity(entity), Is.EqualTo(new[] { token - 2, token - 1, token, token + 1 }));
    }

    [Test]
    public void SpansOfAnotherTextAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new PromptPositions(Prompt, CharacterTokens("<e1>"), EntityVectorMode.LastDigit));
    }

    /// <summary>
    /// Three layers, C = 2, every vector a unit vector. Everywhere (1,0) but: each given pair's image digit at angle
    /// θ_ℓ = 90°, 60°, 0° (per pair ‖(1,0) − (cos θ, sin θ)‖² = 2 − 2cos θ = 2, 1, 0; G = 2 pairs → raw 4, 2, 0; mean squared
    /// norm 1 → normalised 4, 2, 0), and the three ~ at (1,0), (0,1), (0.6,0.8) (cosines 0, 0.6, 0.8 → mean 1.4/3;
    /// Gram [[1,0,.6],[0,1,.8],[.6,.8,1]]/3 has eigenvalues (2, 1, 0)/3 → spectrum ratio 2/3). P(target) 0.1, 0.5, 0.9:
    /// the energy falls as P rises, r = −1.
    /// </summary>
    private static PromptReadout HandBuilt(ResidualMode filled, out List<TextSpan> tokens)
    {
        tokens = CharacterTokens(Prompt.Text);
        var positions = new PromptPositions(Prompt, tokens, EntityVectorMode.LastDigit);
        var count = tokens.Count;
        double[] angles = [90, 60, 0];
        var raw = new List<float[]>();
        var normed = new List<float[]>();
        for (var l = 0; l < 3; l++)
        {
            var v = new float[count * 2];
            for (var t = 0; t < count; t++) v[2 * t] = 1;
            foreach (var pair in Prompt.GivenPairs)
            {
                var t = positions.Entity(Prompt.Category2[pair.Image]).Single();
                v[2 * t] = (float)Math.Cos(angles[l] * Math.PI / 180);
                v[2 * t + 1] = (float)Math.Sin(angles[l] * Math.PI / 180);
            }
            float[][] tilde = [[1, 0], [0, 1], [0.6f, 0.8f]];
            for (var i = 0; i < 3; i++) (v[2 * positions.Tildes[i]], v[2 * positions.Tildes[i] + 1]) = (tilde[i][0], tilde[i][1]);
            // The other mode holds vectors of another scale, to show that the mode is what is read.
            var other = v.Select(x => 3 * x + 1).ToArray();
            raw.Add(filled == ResidualMode.Raw ? v : other);
            normed.Add(filled == ResidualMode.NextNorm ? v : other);
        }
        return new PromptReadout(2, PromptPositions.All(count), raw, normed,
            [new LensPoint(Math.Log(0.1), 0.1, 9), new LensPoint(Math.Log(0.5), 0.5, 2), new LensPoint(Math.Log(0.9), 0.9, 1)]);
    }

    [TestCase(ResidualMode.NextNorm)]
    [TestCase(ResidualMode.Raw)]
    public void HandBuiltVectorsGiveTheirKnownFigures(ResidualMode mode)
    {
        var readout = HandBuilt(mode, out var tokens);
        var curves = PromptAnalysis.Analyze(Prompt, tokens, readout, mode, EntityVectorMode.LastDigit);
        Assert.That(Prompt.GivenPairs, Has.Count.EqualTo(2));
        Assert.That(curves.EnergyRaw, Is.EqualTo(new double?[] { 4, 2, 0 }).Within(1e-6));
        Assert.That(curves.MeanSquaredNorm, Is.EqualTo(new double?[] { 1, 1, 1 }).Within(1e-6));
        Assert.That(curves.EnergyNormalised, Is.EqualTo(new double?[] { 4, 2, 0 }).Within(1e-6));
        Assert.That(curves.FunctorCosine, Is.EqualTo(new double?[] { 1.4 / 3, 1.4 / 3, 1.4 / 3 }).Within(1e-6));
        Assert.That(curves.SpectrumRatio, Is.EqualTo(new double?[] { 2.0 / 3, 2.0 / 3, 2.0 / 3 }).Within(1e-6));
        Assert.That(curves.ProbTarget, Is.EqualTo(new double?[] { 0.1, 0.5, 0.9 }));
        Assert.That(curves.LogProbTarget, Is.EqualTo(new double?[] { Math.Log(0.1), Math.Log(0.5), Math.Log(0.9) }));
        Assert.That(curves.Rank, Is.EqualTo(new double?[] { 9, 2, 1 }));
        Assert.That(curves.Top1, Is.EqualTo(new double?[] { 0, 0, 1 }));
        var r = PromptAnalysis.Correlate(curves);
        Assert.That(r.EnergyNormalisedVsProb, Is.EqualTo(-1).Within(1e-6));
        Assert.That(r.EnergyRawVsProb, Is.EqualTo(-1).Within(1e-6));
    }

    [Test]
    public void MeanModeAveragesTheMarkersTokens()
    {
        // Only the image digits differ from (1,0): in mean mode each image vector is ((3 + cos θ)/4, sin θ/4), so per pair
        // ‖(1,0) − that‖² = ((1 − cos θ)² + sin² θ)/16 = (2 − 2cos θ)/16 → raw (4, 2, 0)/16.
        var readout = HandBuilt(ResidualMode.NextNorm, out var tokens);
        var curves = PromptAnalysis.Analyze(Prompt, tokens, readout, ResidualMode.NextNorm, EntityVectorMode.Mean);
        Assert.That(curves.EnergyRaw, Is.EqualTo(new double?[] { 0.25, 0.125, 0 }).Within(1e-6));
    }

    [Test]
    public void NoGivenPairLeavesTheEnergyUndefinedAndOneTildeTheCosine()
    {
        var prompt = AnalogyPromptGenerator.Generate(new AnalogyPromptSettings(3, 2, GivenCorrespondences: 0, Seed: 2), 0L);
        var tokens = CharacterTokens(prompt.Text);
        var v = Enumerable.Range(0, tokens.Count * 2).Select(i => (float)(i % 3)).ToArray();
        var readout = new PromptReadout(2, PromptPositions.All(tokens.Count), [v], [v], [new LensPoint(-1, Math.Exp(-1), 3)]);
        var curves = PromptAnalysis.Analyze(prompt, tokens, readout, ResidualMode.NextNorm, EntityVectorMode.LastDigit);
        Assert.That(curves.EnergyRaw, Is.EqualTo(new double?[] { null }));
        Assert.That(curves.EnergyNormalised, Is.EqualTo(new double?[] { null }));
        Assert.That(curves.FunctorCosine, Is.EqualTo(new double?[] { null }));
        Assert.That(curves.SpectrumRatio, Is.EqualTo(new double?[] { 1 }).Within(1e-12));
    }

    [Test]
    public void AReadoutMissingAPositionIsRefused()
    {
        var readout = HandBuilt(ResidualMode.NextNorm, out var tokens);
        // Drop the last token (the asked correspondence's "e") and a ~ position with its rows: the ~ is not read out.
        var tilde = new PromptPositions(Prompt, tokens, EntityVectorMode.LastDigit).Tildes[0];
        var kept = readout.Positions.Where(p => p != tilde).ToList();
        float[] Cut(float[] v) => [.. kept.SelectMany(p => v.Skip(2 * p).Take(2))];
        var cut = readout with { Positions = kept, Raw = [.. readout.Raw.Select(Cut)], Normed = [.. readout.Normed.Select(Cut)] };
        var error = Assert.Throws<ArgumentException>(() => PromptAnalysis.Analyze(Prompt, tokens, cut, ResidualMode.NextNorm, EntityVectorMode.LastDigit));
        Assert.That(error!.Message, Does.Contain($"token position {tilde} was not read out"));
        var wrongSize = readout with { Positions = kept };
        Assert.Throws<ArgumentException>(() => PromptAnalysis.Analyze(Prompt, tokens, wrongSize, ResidualMode.NextNorm, EntityVectorMode.LastDigit));
    }
}
