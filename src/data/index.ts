export { type ImageDataset, type SubsetOptions, selectItems, subsetDataset, itemSize } from './image-dataset';
export { parseIdx, readIdxFile, type IdxArray } from './idx-file';
export {
  loadFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  DEFAULT_FASHION_MNIST_DIR,
  type FashionMnistOptions,
  type DatasetSplit,
} from './fashion-mnist';
export { loadImageFolder, type ImageFolderOptions, type ImageFolderDataset, type SkippedImage } from './image-folder';
export { splitByClasses } from './split-by-classes';
export { trainTestSplit, type TrainTestSplitOptions } from './train-test-split';
export { parseClassList, parseClassSelection, resolveClassSelection, type ClassSelection } from './class-list';
export { loadDataset, type DatasetSpec } from './load-dataset';
