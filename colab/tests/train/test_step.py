"""One training step: mixed precision settings, the GradScaler, and DropConnect on weight_hh."""
import pytest
import torch

from colab.train import main as train_main
from colab.train import step as train_step


@pytest.mark.parametrize(
    "device_type, amp, expected",
    [
        ("cuda", "auto", torch.float16),
        ("cuda", "off", None),
        ("cpu", "auto", None),
        ("mps", "auto", None),
    ],
)
def test_mixed_precision_is_fp16_on_a_gpu_and_off_elsewhere(device_type, amp, expected):
    assert train_step.amp_dtype_for(device_type, amp) is expected


def test_amp_settings_add_a_scaler_for_fp16_even_where_torch_claims_bf16(monkeypatch):
    made = []
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)  # what newer torch says on a T4
    monkeypatch.setattr(train_step, "grad_scaler", lambda: made.append(1) or "scaler")
    args = train_main.parse_args(["--max-steps", "1"])
    assert train_step.amp_settings(args, torch.device("cuda")) == (torch.float16, "scaler")
    assert train_step.amp_settings(args, torch.device("cpu")) == (None, None) and made == [1]
    off = train_main.parse_args(["--max-steps", "1", "--amp", "off"])
    assert train_step.amp_settings(off, torch.device("cuda")) == (None, None) and made == [1]


@pytest.mark.filterwarnings("ignore:torch.cuda.amp.GradScaler is enabled")
def test_the_grad_scaler_comes_from_whichever_api_this_torch_has():
    scaler = train_step.grad_scaler()  # no GPU here: a disabled scaler, but the constructor must exist
    assert hasattr(scaler, "scale") and hasattr(scaler, "unscale_")


def test_weight_drop_masks_the_hidden_to_hidden_weights_and_only_while_training(tmp_path):
    from colab.model.lstm import CharLSTM, ModelConfig

    torch.manual_seed(0)
    model = CharLSTM(ModelConfig(20, 8, 16, 2, 0.0))
    ids = torch.randint(0, 20, (3, 7))
    plain, (h, c) = model(ids)
    same, (h0, c0) = train_step.forward_weight_dropped(model, ids, None, 0.0)
    assert torch.allclose(same, plain) and torch.allclose(h0, h) and torch.allclose(c0, c)
    dropped, _ = train_step.forward_weight_dropped(model, ids, (h, c), 0.5)
    again, _ = model(ids, (h, c))
    assert not torch.allclose(dropped, again)  # a new mask on weight_hh changes the output
    dropped.sum().backward()
    assert all(getattr(model.lstm, f"weight_hh_l{k}").grad.abs().sum() > 0 for k in range(2))
    assert torch.equal(model(ids)[0], plain)  # the weights themselves are untouched
