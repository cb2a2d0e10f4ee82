using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Train.Config;
using Engine.Train.Metrics;
using Engine.Train.Report;
using Engine.Train.Report.Charts;
using NUnit.Framework;

namespace Engine.Train.Tests.Report;

[TestFixture]
[Category("Report")]
public class ReportBuilderTests
{
    private static readonly int OodAnalogical = ProbeTypes.All.ToList().IndexOf(ProbeTypes.OodAnalogical);

    private static (double Mean, double Std) MeanStd(params double[] xs)
    {
        var mean = xs.Sum() / xs.Length;
        var variance = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>The synthetic accuracy's time average over the default window, epochs 10, 11, 12: the dip to half at
    /// epoch 10, then the final value twice.</summary>
    private static double MeanAccuracy(int width, int depth, int seed, int type) => SyntheticGrid.FinalAccuracy(width, depth, seed, type) * 2.5 / 3;

    private static string[] ExpectedPlots(string chosen) =>
    [
        "ID compositional vs width", "near-OOD compositional vs width", "OOD analogical vs width",
        "Stage epochs vs width",
        $"Probes over training, run {chosen}",
        "ID compositional over training, mean per width", "near-OOD compositional over training, mean per width",
        "OOD analogical over training, mean per width",
        "OOD analogical over training, every run",
        "OOD analogy over width × depth",
        $"Dirichlet energy (normalised), run {chosen}", $"Parallelism over training, run {chosen}",
        $"Entity embeddings, PC1 vs PC2, epoch 12, run {chosen}",
    ];

    [Test]
    public void SummaryCsvHasOneRowPerRunWithTheDigest()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        var header = rows[0];
        var records = rows.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rows.Skip(1).All(r => r.Count == header.Count), Is.True, "every record has the header's width");
            Assert.That(header.Take(5), Is.EqualTo(new[] { "run_id", "status", "width", "depth", "seed" }));
            Assert.That(header.Count, Is.EqualTo(2 + 3 + 7 * 10 + 19));
            Assert.That(header.Distinct().Count(), Is.EqualTo(header.Count));
            Assert.That(records.Select(r => r["run_id"]), Is.EqualTo(grid.Runs.Select(r => r.Id)), "one row per run, in grid order");
            Assert.That((result.Runs, result.Finished, result.Failed, result.Unfinished), Is.EqualTo((9, 8, 1, 0)));
        });
        double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);
        foreach (var (run, row) in grid.Runs.Zip(records))
        {
            var s = run.Settings;
            var failed = run == grid.FailedRun;
            var solved = s.Width == 128 && s.Depth == 2;
            Assert.Multiple(() =>
            {
                Assert.That(row["status"], Is.EqualTo(failed ? "failed" : "finished"));
                Assert.That((row["width"], row["depth"], row["seed"]), Is.EqualTo((s.Width.ToString(), s.Depth.ToString(), s.Seed.ToString())));
                Assert.That(row["ood_atomic_final_acc"], Is.Empty, "a type without probes has no value");
                Assert.That(row["ood_atomic_mean_acc"], Is.Empty);
                Assert.That(row["epochs"], Is.EqualTo(failed ? "3" : "12"));
                Assert.That(row["steps"], Is.EqualTo(failed ? "15" : "60"));
                Assert.That(Number(row, "seconds"), Is.EqualTo(failed ? 0.75 : 3.0));
            });
            if (failed)
            {
                Assert.That(row["final_parallelism_ood"], Is.Empty, "null at the last epoch of the failed run");
                Assert.That((row["average_from_epoch"], row["ood_analogical_mean_acc"]), Is.EqualTo(("", "")), "it ended before epoch 10");
                continue;
            }
            for (var t = 0; t < ProbeTypes.All.Count; t++)
            {
                if (ProbeTypes.All[t] == ProbeTypes.OodAtomic) continue;
                var final = SyntheticGrid.FinalAccuracy(s.Width, s.Depth, s.Seed, t);
                var type = ProbeTypes.All[t];
                var typeSolved = final >= 1;
                Assert.Multiple(() =>
                {
                    Assert.That(Number(row, $"{type}_final_acc"), Is.EqualTo(final).Within(1e-12), type);
                    Assert.That(Number(row, $"{type}_best_acc"), Is.EqualTo(final).Within(1e-12), type);
                    Assert.That(Number(row, $"{type}_final_prob"), Is.EqualTo(final / 2).Within(1e-12), type);
                    Assert.That(Number(row, $"{type}_mean_acc"), Is.EqualTo(MeanAccuracy(s.Width, s.Depth, s.Seed, t)).Within(1e-12), type);
                    Assert.That(Number(row, $"{type}_mean_prob"), Is.EqualTo(MeanAccuracy(s.Width, s.Depth, s.Seed, t) / 2).Within(1e-12), type);
                    Assert.That(Number(row, $"{type}_solved_fraction"), Is.EqualTo(typeSolved ? 2 / 3.0 : 0).Within(1e-12), $"{type}: epochs 11 and 12 of 10–12");
                    Assert.That(row[$"{type}_first_solved_epoch"], Is.EqualTo(typeSolved ? "8" : ""), type);
                    Assert.That(row[$"{type}_times_lost"], Is.EqualTo(typeSolved ? "1" : "0"), type);
                    Assert.That(row[$"{type}_best_prob_epoch"], Is.EqualTo("8"), $"{type}: the ramp ends at epoch 8");
                });
            }
            Assert.Multiple(() =>
            {
                Assert.That(row["first_ood_analogy_success_epoch"], Is.EqualTo(solved ? "8" : ""));
                Assert.That(row["transient"], Is.EqualTo(solved ? "true" : "false"));
                Assert.That(row["times_lost"], Is.EqualTo(solved ? "1" : "0"));
                Assert.That((row["average_from_epoch"], row["average_to_epoch"], row["average_passes"]), Is.EqualTo(("10", "12", "3")));
                Assert.That((row["stage_id_facts_epoch"], row["stage_near_ood_composition_epoch"]), Is.EqualTo(("", "")), "never at 100 %");
                Assert.That(row["stage_ood_analogy_epoch"], Is.EqualTo(solved ? "8" : ""));
                Assert.That(Number(row, "min_dirichlet_norm"), Is.EqualTo(2.0 - 1.2).Within(1e-12));
                Assert.That(Number(row, "max_dirichlet_norm"), Is.EqualTo(2.0));
                Assert.That(Number(row, "min_dirichlet_head_norm"), Is.EqualTo(2.0 - 12 * 0.12).Within(1e-12));
                Assert.That(Number(row, "max_parallelism_id"), Is.EqualTo(0.6).Within(1e-12));
                Assert.That(Number(row, "max_parallelism_ood"), Is.EqualTo(12 * 0.04 - 0.1).Within(1e-12));
                Assert.That(Number(row, "final_parallelism_ood"), Is.EqualTo(12 * 0.04 - 0.1).Within(1e-12));
            });
        }
    }

    [Test]
    public void CsvQuotesCommasQuotesAndLineBreaks()
    {
        using var temp = new TempFolder();
        var awkward = "lr \"fast\", then\nslow";
        foreach (var (id, note) in new[] { ("plain", "a"), ("odd,\"name\"", awkward) })
        {
            var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "runs", id)).FullName;
            File.WriteAllText(Path.Combine(folder, "config.json"), new RunSettings().ToJson());
        }
        File.WriteAllText(Path.Combine(temp.Path, "grid.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            runs = new object[]
            {
                new { index = 0, id = "plain", swept = new Dictionary<string, string> { ["note"] = "a" } },
                new { index = 1, id = "odd,\"name\"", swept = new Dictionary<string, string> { ["note"] = awkward } },
            },
        }));
        var result = ReportBuilder.Build(temp.Path, new ReportOptions());
        var text = File.ReadAllText(result.SummaryCsvPath);
        var rows = CsvReader.Parse(text);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(3));
            Assert.That(rows[1].Take(3), Is.EqualTo(new[] { "plain", "unfinished", "a" }));
            Assert.That(rows[2].Take(3), Is.EqualTo(new[] { "odd,\"name\"", "unfinished", awkward }));
            Assert.That(text, Does.Contain("\"odd,\"\"name\"\"\",unfinished,\"lr \"\"fast\"\", then\nslow\","));
            Assert.That(text.Split("\r\n"), Has.Length.EqualTo(4), "records end in CRLF; the quoted line break is a bare LF");
        });
    }

    [Test]
    public void PageIsSelfContainedWithPlotlyInlinedOnceAndOneFigurePerPlot()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        var expected = ExpectedPlots(grid.Runs[0].Id);
        Assert.Multiple(() =>
        {
            Assert.That(page.Figures.Select(f => f.Title), Is.EqualTo(expected));
            Assert.That(result.Plots, Is.EqualTo(expected));
            Assert.That(result.Absent, Is.Empty);
            Assert.That(page.LibraryScripts, Has.Count.EqualTo(1), "plotly.js once per page");
            Assert.That(page.LibraryScripts[0], Is.EqualTo(PlotlyScript.Source));
            Assert.That(PlotlyScript.ResourceName, Is.EqualTo("Plotly.NET.plotly-2.28.0.min.js"));
            Assert.That(PlotlyScript.Source, Does.StartWith("/**").And.Contain("plotly.js v2.28.0"));
            Assert.That(page.Text, Does.Contain("finished 8, failed 1, unfinished 0"));
            Assert.That(page.Captions.First(), Does.Contain("id_compositional"), "the caption says which ID type is shown");
            Assert.That(page.Figures.All(f => f.Layout["template"] is null), Is.True, "Plotly.NET's default template is dropped");
        });
        // Nothing is fetched: no element outside the library refers to anything, and the only URLs are namespace names.
        var outside = page.WithoutLibrary;
        Assert.That(outside, Does.Not.Contain("src=").And.Not.Contain("href=").And.Not.Contain("url(").And.Not.Contain("@import"));
        var urls = System.Text.RegularExpressions.Regex.Matches(outside, "https?://[^\"]+").Select(m => m.Value).Distinct();
        Assert.That(urls, Is.EquivalentTo(new[] { "http://www.w3.org/1999/xhtml" }), "only the XHTML namespace name");
        Assert.That(page.Document.Descendants(ReportPage.Xhtml + "script").Count(s => s.Attribute("src") is not null), Is.Zero);
    }

    [Test]
    public void ScalePlotsShowTimeAveragesFirstWithMeanAndStdOverSeeds()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var figure = new ReportPage(result.ReportHtmlPath).FigureTitled("OOD analogical vs width");
        Assert.That(figure.MenuLabels, Is.EqualTo(new[]
        {
            "time-averaged accuracy", "final accuracy", "time-averaged P(target)", "best P(target)", "share of probe passes solved",
        }));
        Assert.That((string?)figure.Layout["yaxis"]!["title"]!["text"], Is.EqualTo("time-averaged accuracy (fraction correct)"));
        foreach (var (view, value) in new (int, Func<int, int, int, double>)[]
        {
            (0, (w, d, s) => MeanAccuracy(w, d, s, OodAnalogical)),
            (1, (w, d, s) => SyntheticGrid.FinalAccuracy(w, d, s, OodAnalogical)),
        })
            foreach (var depth in new[] { 1, 2 })
            {
                var trace = figure.InView(view).Single(t => (string?)t["name"] == $"depth {depth}");
                // Seeds 1 and 2 only: the failed seed-3 run has no summary to pool.
                var stats = new[] { 64, 128 }.Select(w => MeanStd(value(w, depth, 1), value(w, depth, 2))).ToList();
                Assert.Multiple(() =>
                {
                    Assert.That(PageFigure.Numbers(trace["y"]), Is.EqualTo(stats.Select(s => (double?)s.Mean)).Within(1e-12), $"view {view}, depth {depth}");
                    var error = trace["error_y"]!;
                    // The bar is clipped to [0, 1]: at the solved point (mean 1, std 0) both arms are 0.
                    Assert.That(PageFigure.Numbers(error["array"]), Is.EqualTo(stats.Select(s => (double?)Math.Max(0, Math.Min(1, s.Mean + s.Std) - s.Mean))).Within(1e-12));
                    Assert.That(PageFigure.Numbers(error["arrayminus"]), Is.EqualTo(stats.Select(s => (double?)Math.Max(0, s.Mean - Math.Max(0, s.Mean - s.Std)))).Within(1e-12));
                    Assert.That(PageFigure.Numbers(trace["x"])[0], Is.LessThan(64).Or.GreaterThan(64), "depths are drawn apart");
                });
            }
        // The first view is the visible one; the others start hidden.
        Assert.That(figure.Visible.Select(t => (string?)t["name"]), Is.EqualTo(new[] { "depth 1", "depth 2" }));
        Assert.That(figure.Traces.Count(), Is.EqualTo(5 * 2));
    }

    [Test]
    public void HoverTextNamesEveryRunFolderAndItsSweptSettings()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        var run = grid.Runs.Single(r => r.Settings is { Width: 64, Depth: 2, Seed: 1 });
        var label = $"runs/{run.Id} (width=64, depth=2, seed=1)";
        var point = PageFigure.Texts(page.FigureTitled("OOD analogical vs width").Trace("depth 2"))[0];
        Assert.That(point, Does.StartWith("depth 2, width 64\ntime-averaged accuracy of OOD analogical: "));
        Assert.That(point, Does.Contain($"{label}: {MeanAccuracy(64, 2, 1, OodAnalogical).ToString("F3", CultureInfo.InvariantCulture)}"));
        var everyRun = page.FigureTitled("OOD analogical over training, every run");
        var line = everyRun.Visible.Single(t => PageFigure.Texts(t)[0].StartsWith(label + "\n", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(PageFigure.Texts(line)[0], Is.EqualTo($"{label}\nepoch 1 (step 5): P(target) {(SyntheticGrid.Accuracy(64, 2, 1, OodAnalogical, 1) / 2).ToString("F3", CultureInfo.InvariantCulture)}"));
            Assert.That((string?)line["hovertemplate"], Is.EqualTo("%{text}<extra></extra>"));
            // One legend entry per width toggles all its runs.
            Assert.That(everyRun.Visible.Count(), Is.EqualTo(9), "every run with metrics, the failed one too");
            Assert.That(everyRun.Visible.Select(t => (string?)t["legendgroup"]).Distinct(), Is.EqualTo(new[] { "width 64", "width 128" }));
            Assert.That(everyRun.Visible.Count(t => (bool?)t["showlegend"] == true), Is.EqualTo(2));
            Assert.That((string?)everyRun.Layout["legend"]!["itemclick"], Is.EqualTo("toggle"));
        });
    }

    [Test]
    public void TrajectoriesUseALogStepAxisAndLeaveOutStepZero()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        foreach (var figure in page.Figures.Where(f => f.Title.Contains("over training", StringComparison.Ordinal) || f.Title.StartsWith("Probes", StringComparison.Ordinal)
            || f.Title.StartsWith("Dirichlet", StringComparison.Ordinal)))
        {
            Assert.That((string?)figure.Layout["xaxis"]!["type"], Is.EqualTo("log"), figure.Title);
            Assert.That(figure.Traces.All(t => PageFigure.Numbers(t["x"]).All(x => x > 0)), Is.True, figure.Title);
        }
        var chosen = page.FigureTitled($"Probes over training, run {grid.Runs[0].Id}");
        var ood = chosen.Trace("OOD analogical");
        Assert.Multiple(() =>
        {
            Assert.That(PageFigure.Numbers(ood["x"]), Is.EqualTo(Enumerable.Range(1, 12).Select(e => (double?)(e * 5))));
            Assert.That(PageFigure.Numbers(ood["y"]), Is.EqualTo(Enumerable.Range(1, 12).Select(e => (double?)SyntheticGrid.Accuracy(64, 1, 1, OodAnalogical, e))).Within(1e-12));
            Assert.That(chosen.MenuLabels, Is.EqualTo(new[] { "accuracy", "P(target)" }));
            Assert.That((string?)chosen.Trace("ID atomic")["line"]!["dash"], Is.EqualTo("dash"), "ID types dashed");
        });
        // Parallelism is undefined at epoch 3: a gap (null), not a joined line.
        var parallelism = page.FigureTitled($"Parallelism over training, run {grid.Runs[0].Id}").Trace("OOD analogies");
        Assert.That(PageFigure.Numbers(parallelism["y"])[2], Is.Null);
    }

    [Test]
    public void HeatMapCellsAreMeansOverSeeds()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var figure = new ReportPage(result.ReportHtmlPath).FigureTitled("OOD analogy over width × depth");
        var (mean, final) = (figure.Traces.ElementAt(0), figure.Traces.ElementAt(1));
        Assert.Multiple(() =>
        {
            Assert.That(figure.MenuLabels, Is.EqualTo(new[] { "time-averaged accuracy", "final accuracy", "time-averaged P(target)" }));
            Assert.That((string?)mean["type"], Is.EqualTo("heatmap"));
            Assert.That(mean["x"]!.AsArray().Select(v => (string)v!), Is.EqualTo(new[] { "64", "128" }));
            Assert.That(mean["y"]!.AsArray().Select(v => (string)v!), Is.EqualTo(new[] { "1", "2" }));
            Assert.That(((double)mean["zmin"]!, (double)mean["zmax"]!), Is.EqualTo((0.0, 1.0)));
            Assert.That((string?)mean["colorscale"], Is.EqualTo("Viridis"));
        });
        foreach (var (d, depth) in new[] { 1, 2 }.Select((depth, i) => (i, depth)))
            foreach (var (w, width) in new[] { 64, 128 }.Select((width, i) => (i, width)))
            {
                var expectMean = MeanStd(MeanAccuracy(width, depth, 1, OodAnalogical), MeanAccuracy(width, depth, 2, OodAnalogical)).Mean;
                var expectFinal = MeanStd(SyntheticGrid.FinalAccuracy(width, depth, 1, OodAnalogical), SyntheticGrid.FinalAccuracy(width, depth, 2, OodAnalogical)).Mean;
                Assert.Multiple(() =>
                {
                    Assert.That((double)mean["z"]![d]![w]!, Is.EqualTo(expectMean).Within(1e-12), $"w{width} d{depth}");
                    Assert.That((double)final["z"]![d]![w]!, Is.EqualTo(expectFinal).Within(1e-12), $"w{width} d{depth}");
                    Assert.That((string)mean["text"]![d]![w]!, Is.EqualTo(expectMean.ToString("F2", CultureInfo.InvariantCulture)), "printed in the cell");
                    Assert.That(PageFigure.Plain((string)mean["customdata"]![d]![w]!), Does.Contain("(n = 2)"));
                });
            }
    }

    [Test]
    public void SectionsAreNumberedInPageOrder()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.That(page.SectionHeadings, Is.EqualTo(new[]
        {
            "1. What this grid shows", "2. Analogy and composition vs width", "3. Stages of learning", "4. Training trajectories",
            "5. OOD analogy over two settings", "6. Geometry over training", "7. Embedding geometry (PCA)", "8. Layer-wise analysis", "9. Runs", "Failed runs",
        }));
        Assert.That(page.Findings.First(), Does.StartWith("Based on 8 finished runs of 9 (1 failed or unfinished, left out); seed 1, 2."), "the seed-3 run failed");
        Assert.That(page.Text, Does.Contain("Swept settings: width, depth, seed."));
    }

    [Test]
    public void TheAveragingWindowCanBeChosen()
    {
        using var grid = new SyntheticGrid();
        // Epochs 0…8 of the ramp e/8: the mean of 0, 1/8, …, 8/8 is 1/2 of the final value.
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions { AverageFrom = 0, AverageTo = 8 });
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        var header = rows[0];
        var row = header.Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Multiple(() =>
        {
            Assert.That(double.Parse(row["ood_analogical_mean_acc"], CultureInfo.InvariantCulture),
                Is.EqualTo(SyntheticGrid.FinalAccuracy(64, 1, 1, OodAnalogical) / 2).Within(1e-12));
            Assert.That((row["average_from_epoch"], row["average_to_epoch"], row["average_passes"]), Is.EqualTo(("0", "8", "9")));
            Assert.That(new ReportPage(result.ReportHtmlPath).Text, Does.Contain("epochs 0–8 (9 probe passes)"));
        });
        Assert.That(Assert.Throws<ReportException>(() => ReportBuilder.Build(grid.Directory, new ReportOptions { AverageFrom = 5, AverageTo = 3 }))!.Message,
            Does.StartWith("average-to: 3 is before"));
        Assert.That(Assert.Throws<ReportException>(() => ReportBuilder.Build(grid.Directory, new ReportOptions { AverageFrom = -1 }))!.Message,
            Does.StartWith("average-from: must be ≥ 0"));
    }

    [Test]
    public void ASummaryWrittenBeforeTheTimeAveragesIsDigestedAgainFromItsMetrics()
    {
        using var grid = new SyntheticGrid();
        var run = grid.Runs[0];
        var path = Path.Combine(grid.Directory, "runs", run.Id, "summary.json");
        var old = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        old.Remove("averaged");
        old.Remove("stages");
        foreach (var (_, type) in old["types"]!.AsObject())
            foreach (var key in new[] { "mean_acc", "mean_prob", "solved_fraction", "first_solved_epoch", "times_lost", "best_prob_epoch" })
                type!.AsObject().Remove(key);
        File.WriteAllText(path, old.ToJsonString());
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.That(double.Parse(row["ood_analogical_mean_acc"], CultureInfo.InvariantCulture),
            Is.EqualTo(MeanAccuracy(64, 1, 1, OodAnalogical)).Within(1e-12));
    }

    [Test]
    public void TextIsEscapedAndFailuresAreListed()
    {
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.That(page.Text, Does.Contain($"{grid.FailedRun.Id}: {SyntheticGrid.FailureMessage}"));
        Assert.That(page.Html, Does.Not.Contain("<script>alert"), "the failure's markup is text, not markup");
    }

    [Test]
    public void WithoutGridJsonTheSweptSettingsAreThoseThatDiffer()
    {
        using var grid = new SyntheticGrid(writeGridJson: false);
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Take(5), Is.EqualTo(new[] { "run_id", "status", "width", "depth", "seed" }));
            Assert.That(rows.Skip(1).Select(r => r[0]), Is.EqualTo(grid.Runs.Select(r => r.Id).Order(StringComparer.Ordinal)), "sorted by id");
            Assert.That(result.Plots, Has.Count.EqualTo(13));
        });
    }

    [Test]
    public void SingleRunFolderGivesAOneRunReport()
    {
        using var grid = new SyntheticGrid();
        var runDir = Path.Combine(grid.Directory, "runs", grid.Runs[3].Id);
        var result = ReportBuilder.Build(runDir, new ReportOptions());
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(rows[1].Take(2), Is.EqualTo(new[] { grid.Runs[3].Id, "finished" }));
            Assert.That(result.Absent, Is.EqualTo(new[]
            {
                "Stage epochs vs width: no finished run reached any stage", "Heat map: no setting is swept, and a heat map needs two",
            }), "this run (width 64, depth 2) never solved the OOD analogy");
            Assert.That(page.AbsentNotes.Last(), Does.Contain("no setting is swept"));
            Assert.That(page.Figures, Has.Count.EqualTo(10), "no stages, no heat map, and no chart of every run for one run");
            Assert.That(page.Captions.First(), Does.Contain("No numeric setting varies"));
            Assert.That(page.SectionHeadings.First(), Is.EqualTo("1. What this run shows"));
        });
    }

    [Test]
    public void OneSweptSettingSaysWhyTheHeatMapIsAbsent()
    {
        using var temp = new TempFolder();
        foreach (var width in new[] { 64, 256 })
            WriteRun(temp.Path, $"w{width}", new RunSettings { Width = width, Epochs = 12 });
        var result = ReportBuilder.Build(temp.Path, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.Multiple(() =>
        {
            Assert.That(result.Absent, Is.EqualTo(new[] { "Heat map: only one setting is swept (width), and a heat map needs two" }));
            Assert.That(page.Figures, Has.Count.EqualTo(12));
            var trace = page.FigureTitled("OOD analogical vs width").InView(1).Single();
            Assert.That(PageFigure.Numbers(trace["y"]),
                Is.EqualTo(new[] { SyntheticGrid.FinalAccuracy(64, 1, 42, OodAnalogical), SyntheticGrid.FinalAccuracy(256, 1, 42, OodAnalogical) }).Within(1e-12));
            Assert.That(page.FigureTitled("OOD analogical vs width").Layout["xaxis"]!["tickvals"]!.AsArray().Select(v => (double)v!), Is.EqualTo(new[] { 64.0, 256 }));
        });
    }

    [Test]
    public void ConstantWidthPlotsAgainstTheFirstSweptNumericSetting()
    {
        using var temp = new TempFolder();
        foreach (var (lr, seed) in new[] { (0.001, 1), (0.01, 1), (0.001, 2), (0.01, 2) })
            WriteRun(temp.Path, $"lr{lr}-s{seed}", new RunSettings { Lr = lr, Seed = seed, Epochs = 12 });
        var result = ReportBuilder.Build(temp.Path, new ReportOptions());
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.Multiple(() =>
        {
            Assert.That(result.Plots[0], Is.EqualTo("ID compositional vs lr"));
            Assert.That(page.Captions.First(), Does.Contain("Width does not vary").And.Contain("first swept numeric setting, lr"));
            Assert.That(result.Plots, Does.Contain("OOD analogy over lr × seed"), "seeds fill in when nothing else is left");
        });
    }

    [Test]
    public void OptionsChooseTheRunAndTheHeatMapAxes()
    {
        using var grid = new SyntheticGrid();
        var target = grid.Runs[5];
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions { Run = target.Id[..8], HeatX = "seed", HeatY = "width" });
        var heat = new ReportPage(result.ReportHtmlPath).FigureTitled("OOD analogy over seed × width").Traces.ElementAt(1); // final accuracy
        Assert.Multiple(() =>
        {
            Assert.That(result.Plots, Does.Contain($"Probes over training, run {target.Id}"));
            // Seed 3 only has the failed run: its cells are empty (null), not dropped.
            Assert.That(heat["x"]!.AsArray().Select(v => (string)v!), Is.EqualTo(new[] { "1", "2", "3" }));
            Assert.That(heat["z"]![0]![2], Is.Null);
            Assert.That(PageFigure.Plain((string)heat["customdata"]![0]![2]!), Does.EndWith("no finished run"));
            var expected = (SyntheticGrid.FinalAccuracy(128, 1, 2, OodAnalogical) + SyntheticGrid.FinalAccuracy(128, 2, 2, OodAnalogical)) / 2;
            Assert.That((double)heat["z"]![1]![1]!, Is.EqualTo(expected).Within(1e-12), "averaged over depth");
        });
        Assert.Throws<ReportException>(() => ReportBuilder.Build(grid.Directory, new ReportOptions { Run = "nosuchrun" }));
        var notSwept = Assert.Throws<ReportException>(() => ReportBuilder.Build(grid.Directory, new ReportOptions { HeatX = "lr" }));
        Assert.That(notSwept!.Message, Does.StartWith("heat-x: 'lr' is not a swept setting"));
        Assert.Throws<ReportException>(() => ReportBuilder.Build(Path.Combine(grid.Directory, "nope"), new ReportOptions()));
    }

    [Test]
    public void MissingAndBrokenDataDoNotStopTheReport()
    {
        using var grid = new SyntheticGrid();
        var runs = Path.Combine(grid.Directory, "runs");
        // A queued run: config only. A running one: a torn last line. A broken one: summary.json is not JSON.
        var queued = Directory.CreateDirectory(Path.Combine(runs, "queued")).FullName;
        File.WriteAllText(Path.Combine(queued, "config.json"), new RunSettings { Width = 512 }.ToJson());
        var torn = Path.Combine(runs, grid.Runs[1].Id, "metrics.jsonl");
        File.AppendAllText(torn, "{\"epoch\": 13, \"step\": 6");
        File.WriteAllText(Path.Combine(runs, grid.Runs[2].Id, "summary.json"), "{ not json");
        Directory.CreateDirectory(Path.Combine(runs, "empty"));
        // The chosen run: a pca.json without points, and a probe pass whose values are all null.
        File.WriteAllText(Path.Combine(runs, grid.Runs[0].Id, "pca.json"), "{\"epoch\": 3}");
        File.AppendAllText(Path.Combine(runs, grid.Runs[0].Id, "metrics.jsonl"),
            "{\"epoch\": 13, \"step\": 65, \"probes\": null, \"dirichlet_norm\": null, \"parallelism_ood\": null}\n");
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var rows = CsvReader.Parse(File.ReadAllText(result.SummaryCsvPath));
        var page = new ReportPage(result.ReportHtmlPath);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(1 + 11), "one row per run folder");
            Assert.That((result.Finished, result.Failed, result.Unfinished), Is.EqualTo((8, 1, 2)));
            Assert.That(rows.Single(r => r[0] == "queued")[1], Is.EqualTo("unfinished"));
            Assert.That(rows.Single(r => r[0] == grid.Runs[2].Id)[1], Is.EqualTo("finished"), "summary.json present marks it finished");
            Assert.That(page.Text, Does.Contain("metrics.jsonl last line (still being written?) skipped"));
            Assert.That(page.Text, Does.Contain("summary.json unreadable"));
            Assert.That(page.Text, Does.Contain("run empty: no config.json"));
            Assert.That(result.Plots, Has.Count.EqualTo(12), "all but the PCA picture");
            Assert.That(result.Absent, Is.EqualTo(new[] { $"PCA picture: run {grid.Runs[0].Id}'s pca.json has no points" }));
        });
    }

    [Test]
    public void RebuildingGivesTheSameFilesAndLeavesNoTemporaries()
    {
        using var grid = new SyntheticGrid();
        var first = ReportBuilder.Build(grid.Directory, new ReportOptions());
        var (csv, html) = (File.ReadAllText(first.SummaryCsvPath), File.ReadAllText(first.ReportHtmlPath));
        var second = ReportBuilder.Build(grid.Directory, new ReportOptions());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(second.SummaryCsvPath), Is.EqualTo(csv));
            Assert.That(File.ReadAllText(second.ReportHtmlPath), Is.EqualTo(html));
            Assert.That(Directory.GetFiles(grid.Directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "grid.json", "summary.csv", "report.html" }));
        });
    }

    /// <summary>A finished run folder with the synthetic metrics for its settings.</summary>
    private static void WriteRun(string gridDir, string id, RunSettings settings)
    {
        var folder = Directory.CreateDirectory(Path.Combine(gridDir, "runs", id)).FullName;
        File.WriteAllText(Path.Combine(folder, "config.json"), settings.ToJson());
        var passes = Enumerable.Range(0, SyntheticGrid.Epochs + 1).Select(e => SyntheticGrid.Pass(settings, e)).ToList();
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), passes.Select(p => p.ToJsonLine()));
        File.WriteAllText(Path.Combine(folder, "summary.json"), System.Text.Json.JsonSerializer.Serialize(RunSummary.FromMetrics(passes), EpochMetrics.Json));
        File.WriteAllText(Path.Combine(folder, "pca.json"), SyntheticGrid.Pca(SyntheticGrid.Epochs).ToJson());
    }
}

/// <summary>A fresh temporary folder, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "engine-report-" + Guid.NewGuid().ToString("N")[..10])).FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
