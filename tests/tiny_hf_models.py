"""Tiny Hugging Face speech models built from configs and saved like a downloaded model."""

import torch
from transformers import (HubertConfig, HubertModel, Wav2Vec2Config, Wav2Vec2FeatureExtractor,
                          Wav2Vec2Model, WavLMConfig, WavLMModel, WhisperConfig,
                          WhisperFeatureExtractor, WhisperModel)

_CONV = dict(conv_dim=(32, 32), conv_kernel=(10, 4), conv_stride=(5, 4), conv_bias=False,
             num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4)
_BODY = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
             hidden_dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
             feat_proj_dropout=0.0, layerdrop=0.0, mask_time_prob=0.0)


def save_wav2vec2(directory):
    """wav2vec2-base style: group-normalised conv features, no attention mask."""
    torch.manual_seed(0)
    Wav2Vec2Model(Wav2Vec2Config(feat_extract_norm="group", do_stable_layer_norm=False,
                                 **_CONV, **_BODY)).save_pretrained(directory)
    Wav2Vec2FeatureExtractor(return_attention_mask=False, do_normalize=True).save_pretrained(
        directory)
    return str(directory)


def save_hubert(directory):
    """HuBERT-large style: layer-normalised conv features, padded batches with a mask."""
    torch.manual_seed(1)
    HubertModel(HubertConfig(feat_extract_norm="layer", do_stable_layer_norm=True,
                             **_CONV, **_BODY)).save_pretrained(directory)
    Wav2Vec2FeatureExtractor(return_attention_mask=True, do_normalize=True).save_pretrained(
        directory)
    return str(directory)


def save_wavlm(directory):
    """WavLM: relative position bias, layer-normalised conv features, padded batches."""
    torch.manual_seed(3)
    WavLMModel(WavLMConfig(feat_extract_norm="layer", do_stable_layer_norm=True, num_buckets=32,
                           max_bucket_distance=100, **_CONV, **_BODY)).save_pretrained(directory)
    Wav2Vec2FeatureExtractor(return_attention_mask=True, do_normalize=True).save_pretrained(
        directory)
    return str(directory)


def save_whisper(directory, max_source_positions=250):
    """Whisper with a 5 s window (250 positions x 2 x 10 ms) so chunking is cheap to test."""
    torch.manual_seed(2)
    WhisperModel(WhisperConfig(d_model=32, encoder_layers=1, decoder_layers=1,
                               encoder_attention_heads=2, decoder_attention_heads=2,
                               encoder_ffn_dim=64, decoder_ffn_dim=64, num_mel_bins=80,
                               max_source_positions=max_source_positions,
                               max_target_positions=32, vocab_size=100, pad_token_id=0,
                               bos_token_id=1, eos_token_id=2, decoder_start_token_id=3)
                 ).save_pretrained(directory)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(directory)
    return str(directory)
