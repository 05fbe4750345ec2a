#include "winnow_fasttext.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

struct winnow_fasttext {
  fasttext::FastText model;
};

static void write_error(char *error, int capacity, const std::string &message) {
  if (!error || capacity <= 0) return;
  std::strncpy(error, message.c_str(), capacity - 1);
  error[capacity - 1] = 0;
}

extern "C" winnow_fasttext *winnow_fasttext_load(const char *path, char *error, int capacity) {
  auto *handle = new winnow_fasttext();
  try {
    handle->model.loadModel(std::string(path));
    return handle;
  } catch (const std::exception &failure) {
    write_error(error, capacity, failure.what());
  } catch (...) {
    write_error(error, capacity, "not a fastText model");
  }
  delete handle;
  return nullptr;
}

extern "C" void winnow_fasttext_free(winnow_fasttext *model) { delete model; }

extern "C" int winnow_fasttext_predict(const winnow_fasttext *model, const char *utf8, int length, char *label,
                                       int capacity, float *probability) {
  std::string line(utf8, length);
  for (char &c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    model->model.predictLine(in, predictions, 1, 0.0);
  } catch (...) {
    return -1;
  }
  if (predictions.empty()) return -1;
  std::string name = predictions[0].second;
  const std::string prefix = "__label__";
  if (name.compare(0, prefix.size(), prefix) == 0) name = name.substr(prefix.size());
  write_error(label, capacity, name);
  *probability = predictions[0].first;
  return 0;
}

extern "C" int winnow_fasttext_train(const char *input, const char *output, int epochs, char *error, int capacity) {
  try {
    fasttext::Args args;
    args.input = input;
    args.output = output;
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.dim = 16;
    args.epoch = epochs;
    args.lr = 0.5;
    args.minCount = 1;
    args.minn = 1;
    args.maxn = 3;
    args.bucket = 20000;
    args.thread = 1;
    args.verbose = 0;
    fasttext::FastText model;
    model.train(args);
    model.saveModel(std::string(output) + ".bin");
    return 0;
  } catch (const std::exception &failure) {
    write_error(error, capacity, failure.what());
  } catch (...) {
    write_error(error, capacity, "training failed");
  }
  return -1;
}
