"""How the reference courses train the networks of chapters 17-22, and the test accuracy they report.

Plain data (no PyTorch), read by ``bench_vs_d2l.py`` (which measures the references' speed on this machine
with ``reference_code.py``) and by ``tools/benchmarks_page.py`` (which needs no PyTorch).
"""

# The reference runs of chapters 17-22, in d2l's configuration (zh 2.0.0 / en 0.17.5) or 刘二大人's.
# ``key``: the result key of the chapter's run record (its training
# curve is ``curves[key without "_test_acc"]``); ``acc``: the test accuracy the reference reports after its
# 10 epochs (the figure the chapter is measured against); ``pipeline``: whose training code runs it.
_D2L = "d2l-zh 2.0.0 printed test acc (reference.md)"
_LIU = "刘二大人's slide (reference.md)"
REFERENCE_RUNS = {
    "lenet": dict(model="LeNet (sigmoid)", chapter="17", key="lenet_test_acc", data="fashion-mnist", resize=None,
                  batch_size=256, lr=0.9, epochs=10, acc=0.779, source=_D2L, pipeline="d2l"),
    "mnist_cnn": dict(model="刘 CNN, MNIST", chapter="17", key="mnist_cnn_test_acc", data="mnist", resize=None,
                      batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9869, source=_LIU, pipeline="liu"),
    "alexnet": dict(model="AlexNet", chapter="18", key="alexnet_test_acc", data="fashion-mnist", resize=224,
                    batch_size=128, lr=0.01, epochs=10, acc=0.883, source=_D2L, pipeline="d2l"),
    "vgg": dict(model="VGG-11/4", chapter="19", key="vgg_test_acc", data="fashion-mnist", resize=224,
                batch_size=128, lr=0.05, epochs=10, acc=0.920, source=_D2L, pipeline="d2l"),
    "nin": dict(model="NiN", chapter="20", key="nin_test_acc", data="fashion-mnist", resize=224,
                batch_size=128, lr=0.1, epochs=10, acc=0.790, source=_D2L, pipeline="d2l"),
    "googlenet": dict(model="GoogLeNet", chapter="21", key="googlenet_test_acc", data="fashion-mnist",
                      resize=96, batch_size=128, lr=0.1, epochs=10, acc=0.886, source=_D2L, pipeline="d2l"),
    "inception_mnist": dict(model="刘 Inception net, MNIST", chapter="21", key="inception_mnist_test_acc", data="mnist",
                            resize=None, batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9866,
                            source=_LIU, pipeline="liu"),
    "residual_mnist": dict(model="刘 residual net, MNIST", chapter="21", key="residual_mnist_test_acc", data="mnist",
                           resize=None, batch_size=64, lr=0.01, momentum=0.5, epochs=10, acc=0.9901,
                           source=_LIU, pipeline="liu"),
    "bn_lenet": dict(model="BN-LeNet", chapter="22", key="bn_lenet_test_acc", data="fashion-mnist",
                     resize=None, batch_size=256, lr=1.0, epochs=10, acc=0.836,
                     source="d2l-en 0.17.5 printed test acc (reference.md; zh 2.0.0 printed 0.708)",
                     pipeline="d2l"),
}
