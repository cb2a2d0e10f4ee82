using System.Diagnostics;
using System.IO.Compression;
using Engine.Train.Report;
using NUnit.Framework;

namespace Engine.Train.Tests.Report;

[TestFixture]
[Category("Report")]
public class ChromiumScreenshotTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Test]
    public void PngDecoderUndoesEveryFilter()
    {
        // A 3×4 RGB image written by hand, one line per filter: sub, Paeth, up, average.
        byte[] raw =
        [
            1, 10, 20, 30, 5, 5, 5, 250, 10, 0,
            4, 1, 1, 1, 0, 0, 0, 2, 2, 2,
            2, 1, 0, 0, 0, 0, 0, 0, 0, 1,
            3, 0, 0, 0, 10, 10, 10, 0, 0, 0,
        ];
        var image = PngImage.Decode(Png(3, 4, raw));
        Assert.Multiple(() =>
        {
            // Sub: each byte plus the one to its left; 250 + 15 wraps to 9.
            Assert.That(image.Pixel(0, 0), Is.EqualTo(((byte)10, (byte)20, (byte)30)));
            Assert.That(image.Pixel(1, 0), Is.EqualTo(((byte)15, (byte)25, (byte)35)));
            Assert.That(image.Pixel(2, 0), Is.EqualTo(((byte)9, (byte)35, (byte)35)));
            // Paeth: p = a + b − c, the nearest of left a, up b, up-left c (ties a, then b).
            Assert.That(image.Pixel(0, 1), Is.EqualTo(((byte)11, (byte)21, (byte)31)), "a = c = 0 → b");
            Assert.That(image.Pixel(1, 1), Is.EqualTo(((byte)15, (byte)25, (byte)35)), "(a,b,c) = (11,15,10) → b");
            Assert.That(image.Pixel(2, 1), Is.EqualTo(((byte)11, (byte)37, (byte)37)), "(15,9,15) → b; (35,35,35) → a");
            // Up: plus the byte above.
            Assert.That(image.Pixel(0, 2), Is.EqualTo(((byte)12, (byte)21, (byte)31)));
            Assert.That(image.Pixel(2, 2), Is.EqualTo(((byte)11, (byte)37, (byte)38)));
            // Average: plus ⌊(left + up) / 2⌋.
            Assert.That(image.Pixel(0, 3), Is.EqualTo(((byte)6, (byte)10, (byte)15)));
            Assert.That(image.Pixel(1, 3), Is.EqualTo(((byte)20, (byte)27, (byte)35)));
            Assert.That(image.Pixel(2, 3), Is.EqualTo(((byte)15, (byte)32, (byte)36)));
            Assert.That(image.DistinctColours(), Is.EqualTo(10));
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public void ChromiumRendersTheReportAsARealPage()
    {
        if (!File.Exists(Chromium)) Assert.Ignore("skipped: chromium not installed");
        using var grid = new SyntheticGrid();
        var result = ReportBuilder.Build(grid.Directory, new ReportOptions());
        using var profile = new TempFolder();
        var png = Path.Combine(grid.Directory, "report.png");
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}", "--window-size=1400,7000",
            // No name resolves: the page must draw with nothing but itself (plotly.js is inlined).
            "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000",
            "--hide-scrollbars", $"--screenshot={png}", "file://" + result.ReportHtmlPath,
        }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish the screenshot within 60 s");
        }
        Assert.That(File.Exists(png), Is.True, $"no screenshot; chromium said: {stderr.Result}");
        var kept = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-screenshot.png");
        File.Copy(png, kept, overwrite: true);
        TestContext.AddTestAttachment(kept, "the rendered report");

        var image = PngImage.Decode(File.ReadAllBytes(png));
        var white = image.CountNear((255, 255, 255), 0);
        Assert.Multiple(() =>
        {
            Assert.That((image.Width, image.Height), Is.EqualTo((1400, 7000)));
            Assert.That(image.DistinctColours(), Is.GreaterThan(300), "a real page of plots has many colours (anti-aliased lines and text)");
            Assert.That(image.Width * image.Height - white, Is.GreaterThan(image.Width * image.Height / 20), "at least 5% of the page is not white");
            // Only plotly.js draws these: the series colours of depth 1 and 2 (#1f77b4, #ff7f0e) in lines and markers, and the
            // heat map's viridis scale, whose colour bar runs from #440154 to #fde725.
            Assert.That(image.CountNear((0x1f, 0x77, 0xb4), 3), Is.GreaterThan(2000));
            Assert.That(image.CountNear((0xff, 0x7f, 0x0e), 3), Is.GreaterThan(2000));
            Assert.That(image.CountNear((0x44, 0x01, 0x54), 6), Is.GreaterThan(10), "the dark end of the colour bar");
            Assert.That(image.CountNear((0xfd, 0xe7, 0x25), 6), Is.GreaterThan(10), "the bright end of the colour bar");
        });
    }

    /// <summary>A PNG file with one IDAT chunk holding <paramref name="filtered"/> (CRCs are not checked by the decoder,
    /// so they are left zero).</summary>
    private static byte[] Png(int width, int height, byte[] filtered)
    {
        using var file = new MemoryStream();
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        void Chunk(string type, byte[] data)
        {
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            file.Write(length);
            file.Write(System.Text.Encoding.ASCII.GetBytes(type));
            file.Write(data);
            file.Write(new byte[4]);
        }
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, 2);
        Chunk("IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(filtered);
        Chunk("IDAT", compressed.ToArray());
        Chunk("IEND", []);
        return file.ToArray();
    }
}
