//Maya ASCII 2018 scene
//Name: image_formats.ma
//Codeset: UTF-8
requires maya "2018";
currentUnit -l centimeter -a degree -t film;
fileInfo "application" "maya";
fileInfo "product" "Maya 2018";
createNode transform -s -n "persp";
createNode camera -s -n "perspShape" -p "persp";
	setAttr -k off ".v" no;
createNode renderLayerManager -n "renderLayerManager";
	setAttr -s 2 ".rlmi[1]"  1;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
createNode renderLayer -n "exrLayer";
	setAttr -s 2 ".adjs";
	setAttr ".adjs[0].val" 51;
	setAttr ".adjs[1].val" -type "string" "exr";
	setAttr ".rlid" 1;
select -ne :time1;
	setAttr ".o" 1;
select -ne :defaultRenderGlobals;
	setAttr ".outf" 32;
	setAttr ".an" yes;
	setAttr ".ef" 5;
select -ne :defaultResolution;
	setAttr ".pa" 1;
connectAttr ":defaultRenderGlobals.outf" "exrLayer.adjs[0].plg";
connectAttr ":defaultRenderGlobals.imfkey" "exrLayer.adjs[1].plg";
connectAttr "renderLayerManager.rlmi[1]" "exrLayer.rlid";
// End of image_formats.ma
