// exercise: 4.1a
// expect: forbidden-api Attention.TensorInterop|System.Numerics.Tensors.Tensor
// The BCL tensor's permute does the head split's layout change.
Tensor SplitFusedQkv(Tensor X, int heads)
{
    var bcl = X.Reshape(X.Shape[0], X.Shape[1], heads, X.Shape[2] / heads).AsBclTensor();
    return System.Numerics.Tensors.Tensor.PermuteDimensions(bcl, [0, 2, 1, 3]).ToCourseTensor();
}
