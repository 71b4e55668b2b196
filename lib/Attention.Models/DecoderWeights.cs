using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Attention.Models;

/// <summary>The four projections of one attention layer, each [d_model, d_model] (x · W, as <see cref="Linear.Forward(Tensor, Tensor, Tensor?)"/> reads them).</summary>
/// <param name="WQ">Query projection W_Q.</param>
/// <param name="WK">Key projection W_K.</param>
/// <param name="WV">Value projection W_V.</param>
/// <param name="WO">Output projection W_O.</param>
public sealed record DecoderLayerWeights(Tensor WQ, Tensor WK, Tensor WV, Tensor WO);

/// <summary>
/// Every parameter of an <see cref="AttentionOnlyDecoder"/>: W_E [V, d_model], W_pos [Context, d_model] (learned positions
/// only), per layer W_Q, W_K, W_V, W_O [d_model, d_model], and W_U [d_model, V]. The same type holds gradients and optimizer state, so they line up tensor by tensor.
/// </summary>
public sealed class DecoderWeights
{
    /// <summary>Wraps the tensors (not copied) after checking every shape against <paramref name="config"/>.</summary>
    public DecoderWeights(DecoderConfig config, Tensor WE, Tensor? WP, IReadOnlyList<DecoderLayerWeights> layers, Tensor WU)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        config.Validate();
        int d = config.DModel;
        Shapes.Require(WE, nameof(WE), "[vocab, dModel]", config.Vocab, d);
        Shapes.Require(WU, nameof(WU), "[dModel, vocab]", d, config.Vocab);
        if (config.Positions == PositionEncoding.Learned)
        {
            Shapes.Require(WP, nameof(WP), "[context, dModel]", config.Context, d);
        }
        else if (WP is not null)
        {
            throw new ArgumentException($"WP must be null with {config.Positions} positions; got {WP.ShapeText}.", nameof(WP));
        }

        if (layers.Count != config.Layers)
        {
            throw new ArgumentException($"layers must hold {config.Layers} layers (config.Layers); got {layers.Count}.", nameof(layers));
        }

        for (int l = 0; l < layers.Count; l++)
        {
            Shapes.Require(layers[l].WQ, $"layers[{l}].WQ", "[dModel, dModel]", d, d);
            Shapes.Require(layers[l].WK, $"layers[{l}].WK", "[dModel, dModel]", d, d);
            Shapes.Require(layers[l].WV, $"layers[{l}].WV", "[dModel, dModel]", d, d);
            Shapes.Require(layers[l].WO, $"layers[{l}].WO", "[dModel, dModel]", d, d);
        }

        (Config, this.WE, this.WP, Layers, this.WU) = (config, WE, WP, layers.ToArray(), WU);
    }

    /// <summary>The configuration these tensors fit.</summary>
    public DecoderConfig Config { get; }

    /// <summary>Token embedding W_E [V, d_model]: row t is the residual stream's start for token t.</summary>
    public Tensor WE { get; }

    /// <summary>Position embedding W_pos [Context, d_model], added to the token embedding (null with RoPE).</summary>
    public Tensor? WP { get; }

    /// <summary>The attention layers' projections, layer 0 first.</summary>
    public IReadOnlyList<DecoderLayerWeights> Layers { get; }

    /// <summary>Unembedding W_U [d_model, V]: logits = x_final · W_U.</summary>
    public Tensor WU { get; }

    /// <summary>Every tensor with its name, in one fixed order (the weights file's): W_E, W_pos, blocks.l.W_Q/W_K/W_V/W_O, W_U.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Parameters()
    {
        var all = new List<(string, Tensor)> { ("W_E", WE) };
        if (WP is not null)
        {
            all.Add(("W_pos", WP));
        }

        for (int l = 0; l < Layers.Count; l++)
        {
            all.Add(($"blocks.{l}.W_Q", Layers[l].WQ));
            all.Add(($"blocks.{l}.W_K", Layers[l].WK));
            all.Add(($"blocks.{l}.W_V", Layers[l].WV));
            all.Add(($"blocks.{l}.W_O", Layers[l].WO));
        }

        all.Add(("W_U", WU));
        return all;
    }

    /// <summary>The number of scalar parameters.</summary>
    public long Count => Parameters().Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Fresh weights from one seeded generator: W_E and W_pos ~ N(0, 1) so a token starts at unit scale per feature; every d × d
    /// projection and W_U ~ N(0, 1/d_model), which keeps that scale through a layer.
    /// </summary>
    public static DecoderWeights Random(DecoderConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var rng = new MersenneTwister(seed);
        int d = config.DModel;
        Tensor Draw(double sigma, int rows, int cols)
        {
            var values = new double[rows * cols];
            Normal.Samples(rng, values, 0.0, sigma);
            return new Tensor(Array.ConvertAll(values, v => (float)v), rows, cols);
        }

        double projection = 1 / Math.Sqrt(d);
        Tensor WE = Draw(1.0, config.Vocab, d);
        Tensor? WP = config.Positions == PositionEncoding.Learned ? Draw(1.0, config.Context, d) : null;
        var layers = Enumerable.Range(0, config.Layers)
            .Select(_ => new DecoderLayerWeights(Draw(projection, d, d), Draw(projection, d, d), Draw(projection, d, d), Draw(projection, d, d)))
            .ToArray();
        return new DecoderWeights(config, WE, WP, layers, Draw(projection, d, config.Vocab));
    }

    /// <summary>All-zero tensors of the same shapes (a gradient accumulator, Adam's moments).</summary>
    public static DecoderWeights Zeros(DecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int d = config.DModel;
        var layers = Enumerable.Range(0, config.Layers)
            .Select(_ => new DecoderLayerWeights(new Tensor(d, d), new Tensor(d, d), new Tensor(d, d), new Tensor(d, d)))
            .ToArray();
        Tensor? WP = config.Positions == PositionEncoding.Learned ? new Tensor(config.Context, d) : null;
        return new DecoderWeights(config, new Tensor(config.Vocab, d), WP, layers, new Tensor(d, config.Vocab));
    }

    /// <summary>A deep copy.</summary>
    public DecoderWeights Clone() => new(
        Config, WE.Clone(), WP?.Clone(), Layers.Select(l => new DecoderLayerWeights(l.WQ.Clone(), l.WK.Clone(), l.WV.Clone(), l.WO.Clone())).ToArray(), WU.Clone());
}
