namespace Engine.Train.Llm.Analysis;

/// <summary>Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (float64; n is the number of stacked
/// vectors, ≤ a few dozen, so the O(n³) sweeps cost nothing).</summary>
public static class SymmetricEigen
{
    /// <summary>All eigenvalues of the symmetric n×n matrix <paramref name="matrix"/> (row-major), largest first.</summary>
    /// <exception cref="ArgumentException">The array is not n×n.</exception>
    public static double[] Eigenvalues(double[] matrix, int n)
    {
        if (matrix.Length != n * n) throw new ArgumentException($"{matrix.Length} values do not make a {n}×{n} matrix");
        var a = (double[])matrix.Clone();
        for (var sweep = 0; sweep < 100; sweep++)
        {
            var off = 0.0;
            for (var p = 0; p < n; p++)
                for (var q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
            if (off == 0) break;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    var apq = a[p * n + q];
                    if (apq == 0) continue;
                    // The rotation that zeroes a[p,q]: tan θ = t solves t² + 2τt − 1 = 0, τ = (a_qq − a_pp)/(2a_pq), smaller root.
                    var tau = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    var t = Math.Sign(tau == 0 ? 1 : tau) / (Math.Abs(tau) + Math.Sqrt(1 + tau * tau));
                    var c = 1 / Math.Sqrt(1 + t * t);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k * n + p];
                        var akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p * n + k];
                        var aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
            }
        }
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = a[i * n + i];
        Array.Sort(values);
        Array.Reverse(values);
        return values;
    }
}
