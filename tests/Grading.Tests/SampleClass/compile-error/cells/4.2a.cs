Tensor HeadWeights(Tensor Q, Tensor K)
{
    var scores = Q * K.Transpose()
    return Softmax.LastAxis(scores);
}
