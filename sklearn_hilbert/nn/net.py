"""``HilbertNet``: the skorch net that trains :class:`HilbertModule` with :class:`HilbertLoss`."""

from skorch import NeuralNet


class HilbertNet(NeuralNet):
    """A skorch :class:`~skorch.NeuralNet` that logs every loss term.

    Besides skorch's ``train_loss``/``valid_loss``, each batch records the
    unweighted terms of :class:`~sklearn_hilbert.nn.HilbertLoss` as
    ``train_<term>`` / ``valid_<term>``; :class:`skorch.callbacks.PassthroughScoring`
    callbacks average them per epoch (see ``HilbertClassifier``).
    """

    def get_loss(self, y_pred, y_true, X=None, training=False):
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        prefix = "train_" if training else "valid_"
        for name, value in getattr(self.criterion_, "terms_", {}).items():
            self.history.record_batch(prefix + name, value)
        return loss
